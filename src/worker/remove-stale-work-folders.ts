import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Settings } from '../config/settings';

/** Older than any load may run (a day load's start-to-close timeout is 2 hours). */
const STALE_AFTER_MS = 24 * 60 * 60_000;

/**
 * Removes what a killed process left in the data dir: load staging folders (`staging/<load id>/`)
 * and DuckDB spill folders (`duckdb-tmp/instance-*`) untouched for a day. Nothing reads them
 * again; a live load's or instance's folders are younger. Returns the folders removed.
 */
export function removeStaleWorkFolders(settings: Settings, now = Date.now()): string[] {
  const removed: string[] = [];
  for (const parent of ['staging', 'duckdb-tmp'].map((name) => path.join(settings.dataDir, name))) {
    let entries: string[];
    try {
      entries = readdirSync(parent);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const folder = path.join(parent, entry);
      try {
        if (now - statSync(folder).mtimeMs < STALE_AFTER_MS) continue;
        rmSync(folder, { recursive: true, force: true });
        removed.push(folder);
      } catch {
        // Gone meanwhile, or not ours to remove: the next start tries again.
      }
    }
  }
  return removed;
}
