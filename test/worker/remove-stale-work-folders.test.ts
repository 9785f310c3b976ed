import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings';
import { removeStaleWorkFolders } from '../../src/worker/remove-stale-work-folders';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-stale-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('removeStaleWorkFolders', () => {
  it('removes staging and spill folders untouched for a day, keeps younger ones and the warehouse', () => {
    const settings = loadSettings({ S3BRIDGE_DATA_DIR: dataDir });
    const folder = (...parts: string[]) => {
      const dir = path.join(dataDir, ...parts);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'data-0.parquet'), 'x');
      return dir;
    };
    const old = [folder('staging', 'old-load'), folder('duckdb-tmp', 'instance-old')];
    const young = [folder('staging', 'live-load'), folder('duckdb-tmp', 'instance-live')];
    writeFileSync(path.join(dataDir, 'warehouse.duckdb'), 'db');
    const now = Date.now();
    for (const dir of old) utimesSync(dir, new Date(now - 25 * 3_600_000), new Date(now - 25 * 3_600_000));
    expect(removeStaleWorkFolders(settings, now).sort()).toEqual([...old].sort());
    expect(old.map(existsSync)).toEqual([false, false]);
    expect(young.map(existsSync)).toEqual([true, true]);
    expect(existsSync(path.join(dataDir, 'warehouse.duckdb'))).toBe(true);
  });
});
