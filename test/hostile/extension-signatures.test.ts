import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettings, type Settings } from '../../src/config/settings';
import { createDuckDB, loadHttpfs } from '../../src/duckdb/create-duckdb';
import { queryRows } from '../../src/duckdb/query-rows';
import { trustedExtensionDir } from '../../src/duckdb/verified-extensions';

/**
 * Vendored extensions load without DuckDB's per-instance signature check only from a private copy
 * whose signature DuckDB checked once in this process; a tampered file is refused, and a file
 * swapped in the vendored folder after the check is never loaded.
 */
const dirs: string[] = [];
afterAll(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

/** A copy of the vendored httpfs alone, in an extension folder of its own (each check is per folder and process). */
function copiedExtensionDir(): { dir: string; file: string } {
  const source = loadSettings().duckdbExtensionDir!;
  const relative = readdirSync(source, { recursive: true, encoding: 'utf8' }).find((name) => name.endsWith('httpfs.duckdb_extension'))!;
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-ext-'));
  dirs.push(dir);
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  copyFileSync(path.join(source, relative), file);
  return { dir, file };
}

function settingsWith(dir: string): Settings {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-ext-data-'));
  dirs.push(dataDir);
  return { ...loadSettings({ ...process.env, S3BRIDGE_DATA_DIR: dataDir }), duckdbExtensionDir: dir };
}

function tamper(file: string): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.from([0x42]), 0, 1, 4_000_000);
  closeSync(fd);
}

async function loadResult(settings: Settings): Promise<{ loaded: string; unsigned: string | undefined; directory: string | undefined }> {
  const opened = await createDuckDB(settings);
  try {
    const db = await opened.instance.connect();
    try {
      const rows = await queryRows<{ name: string; value: string }>(db,
        "SELECT name, value FROM duckdb_settings() WHERE name IN ('allow_unsigned_extensions', 'extension_directory')");
      const setting = (name: string) => rows.find((r) => r.name === name)?.value;
      const loaded = await loadHttpfs(db, settings, opened.egress).then(() => 'loaded', (error: unknown) => String(error));
      return { loaded, unsigned: setting('allow_unsigned_extensions'), directory: setting('extension_directory') };
    } finally {
      db.closeSync();
    }
  } finally {
    opened.close();
  }
}

describe('vendored extension signatures', () => {
  it('the genuine file is copied to a private folder, checked once, then loads from there without the per-instance check', async () => {
    const { dir, file } = copiedExtensionDir();
    const trusted = await trustedExtensionDir(dir);
    expect(trusted).toBeDefined();
    expect(trusted).not.toBe(dir);
    const copy = path.join(trusted!, path.relative(dir, file));
    expect(existsSync(copy)).toBe(true);
    expect(statSync(path.dirname(copy)).mode & 0o077).toBe(0); // private to this user
    expect(await loadResult(settingsWith(dir))).toEqual({ loaded: 'loaded', unsigned: 'true', directory: trusted });
    // Swapped in the vendored folder after the check: instances keep loading the checked copy.
    tamper(file);
    expect(await loadResult(settingsWith(dir))).toEqual({ loaded: 'loaded', unsigned: 'true', directory: trusted });
  });

  it('a tampered file is never trusted: no private folder, signatures stay required and DuckDB refuses it', async () => {
    const { dir, file } = copiedExtensionDir();
    tamper(file);
    expect(await trustedExtensionDir(dir)).toBeUndefined();
    const result = await loadResult(settingsWith(dir));
    expect(result.unsigned).toBe('false');
    expect(result.directory).toBe(dir);
    expect(result.loaded).toMatch(/signature/i);
  });
});
