import { copyFileSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, utimesSync, writeSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettings, type Settings } from '../../src/config/settings';
import { createDuckDB, loadHttpfs } from '../../src/duckdb/create-duckdb';
import { queryRows } from '../../src/duckdb/query-rows';
import { vendoredExtensionsVerified } from '../../src/duckdb/verified-extensions';

/**
 * Vendored extensions load without DuckDB's per-instance signature check only after DuckDB
 * checked that very file once in this process; a tampered or replaced file is refused.
 */
const dirs: string[] = [];
afterAll(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

/** A copy of the vendored httpfs alone, in an extension folder of its own. */
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

async function loadResult(settings: Settings): Promise<{ loaded: string; unsigned: string | undefined }> {
  const opened = await createDuckDB(settings);
  try {
    const db = await opened.instance.connect();
    try {
      const [row] = await queryRows<{ value: string }>(db, "SELECT value FROM duckdb_settings() WHERE name = 'allow_unsigned_extensions'");
      const loaded = await loadHttpfs(db, settings).then(() => 'loaded', (error: unknown) => String(error));
      return { loaded, unsigned: row?.value };
    } finally {
      db.closeSync();
    }
  } finally {
    opened.close();
  }
}

describe('vendored extension signatures', () => {
  it('the genuine file is checked once, then loads without the per-instance check', async () => {
    const { dir } = copiedExtensionDir();
    expect(await vendoredExtensionsVerified(dir)).toBe(true);
    expect(await loadResult(settingsWith(dir))).toEqual({ loaded: 'loaded', unsigned: 'true' });
  });

  it('a tampered file is never trusted: signatures stay required and DuckDB refuses it', async () => {
    const { dir, file } = copiedExtensionDir();
    expect(await vendoredExtensionsVerified(dir)).toBe(true);
    // Tampered after it was checked: one byte in the middle, a new modification time.
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from([0x42]), 0, 1, 4_000_000);
    closeSync(fd);
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    expect(await vendoredExtensionsVerified(dir)).toBe(false);
    const result = await loadResult(settingsWith(dir));
    expect(result.unsigned).toBe('false');
    expect(result.loaded).toMatch(/signature/i);
  });
});
