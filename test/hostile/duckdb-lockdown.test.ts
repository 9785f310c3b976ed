import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { openS3DuckDB, withS3DuckDB } from '../../src/duckdb/s3-session';
import { queryRows } from '../../src/duckdb/query-rows';
import { memorySlots, memorySlotsInUse } from '../../src/duckdb/memory-slots';
import { quoteLiteral } from '../../src/duckdb/sql';
import type { Settings } from '../../src/config/settings';

let env: TestEnv;
const credentials = () => ({ accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! });
const refused = (promise: Promise<unknown>) => promise.then(() => 'allowed', (error: unknown) => String(error));

beforeAll(async () => {
  env = await createTestEnv('hostile-lockdown');
  await putTable(env.s3, env.bucket, 'data/part-0.parquet', 'SELECT r AS id FROM range(3) t(r)');
});
afterAll(async () => env?.close());

describe('DuckDB runs locked down in activities', () => {
  it('reads its own bucket; no other bucket, no local file, no extension install, no configuration change', async () => {
    await withS3DuckDB(env.settings, env.source(), credentials(), async (db) => {
      expect(await queryRows(db, 'SELECT count(*)::INTEGER AS n FROM read_parquet($u)', { u: `s3://${env.bucket}/data/part-0.parquet` })).toEqual([{ n: 3 }]);
      expect(await refused(queryRows(db, `SELECT * FROM read_parquet('s3://${env.bucket}-other/data/part-0.parquet')`))).toMatch(/disabled by configuration/);
      expect(await refused(queryRows(db, "SELECT * FROM read_csv('/etc/passwd')"))).toMatch(/disabled by configuration/);
      expect(await refused(queryRows(db, `COPY (SELECT 1) TO ${quoteLiteral(path.join(env.settings.dataDir, 'x.csv'))}`))).toMatch(/disabled by configuration/);
      expect(await refused(queryRows(db, 'INSTALL spatial'))).not.toBe('allowed');
      expect(await refused(queryRows(db, 'LOAD spatial'))).not.toBe('allowed');
      expect(await refused(queryRows(db, 'SET s3_url_compatibility_mode = false'))).toMatch(/configuration has been locked/);
      expect(await refused(queryRows(db, 'SET enable_external_access = true'))).toMatch(/locked|Cannot change/);
      const settings = await queryRows<{ name: string; value: string }>(db, `SELECT name, value FROM duckdb_settings() WHERE name IN
        ('autoinstall_known_extensions', 'autoload_known_extensions', 'enable_external_access', 'lock_configuration', 's3_url_compatibility_mode') ORDER BY name`);
      expect(Object.fromEntries(settings.map((s) => [s.name, s.value]))).toEqual({
        autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', enable_external_access: 'false',
        lock_configuration: 'true', s3_url_compatibility_mode: 'true',
      });
    });
  });

  it('a load\'s DuckDB reaches its own staging folder and no other load\'s', async () => {
    const mine = path.join(env.settings.dataDir, 'staging', 'load-a');
    const theirs = path.join(env.settings.dataDir, 'staging', 'load-b');
    mkdirSync(mine, { recursive: true });
    mkdirSync(theirs, { recursive: true });
    await withS3DuckDB(env.settings, env.source(), credentials(), async (db) => {
      await db.run(`COPY (SELECT 1 AS x) TO ${quoteLiteral(path.join(mine, 'data-0.parquet'))} (FORMAT parquet)`);
      expect(await refused(db.run(`COPY (SELECT 2 AS x) TO ${quoteLiteral(path.join(theirs, 'data-0.parquet'))} (FORMAT parquet)`))).toMatch(/disabled by configuration/);
      expect(await refused(queryRows(db, `SELECT * FROM glob(${quoteLiteral(`${theirs}/*`)})`))).not.toBe('allowed');
    }, { localDirectories: [mine] });
    expect(readdirSync(mine)).toEqual(['data-0.parquet']);
    expect(readdirSync(theirs)).toEqual([]);
  });

  it('the warehouse reads staged files under the data dir and nothing outside it, irrevocably', async () => {
    await env.withWarehouse(async (db) => {
      expect(await queryRows(db, `SELECT x FROM read_parquet(${quoteLiteral(path.join(env.settings.dataDir, 'staging', 'load-a', 'data-0.parquet'))})`)).toEqual([{ x: 1 }]);
      expect(await refused(queryRows(db, "SELECT * FROM read_csv('/etc/passwd')"))).toMatch(/disabled by configuration/);
      expect(await refused(queryRows(db, 'SET enable_external_access = true'))).toMatch(/Cannot change enable_external_access/);
      expect(await refused(queryRows(db, "SET allowed_directories = ['/']"))).toMatch(/Cannot change allowed_directories/);
    });
  });
});

describe('each DuckDB spills into its own folder, within the worker budget', () => {
  it('every instance has its own spill folder under the data dir with a size cap, removed on close', async () => {
    const a = await openS3DuckDB(env.settings, env.source(), credentials());
    const b = await openS3DuckDB(env.settings, env.source(), credentials());
    try {
      expect(a.tempDirectory).not.toBe(b.tempDirectory);
      expect(path.dirname(a.tempDirectory)).toBe(path.join(env.settings.dataDir, 'duckdb-tmp'));
      const db = await a.instance.connect();
      const rows = await queryRows<{ name: string; value: string }>(db,
        "SELECT name, value FROM duckdb_settings() WHERE name IN ('temp_directory', 'max_temp_directory_size') ORDER BY name");
      db.closeSync();
      expect(rows[1]).toEqual({ name: 'temp_directory', value: a.tempDirectory });
      expect(rows[0]!.value).toMatch(/GiB|GB/);
    } finally {
      a.close();
      b.close();
    }
    expect(existsSync(a.tempDirectory)).toBe(false);
    expect(existsSync(b.tempDirectory)).toBe(false);
  });

  it('two instances spilling at once both finish with the right answer (no shared spill files)', async () => {
    const settings: Settings = { ...env.settings, duckdbMemoryLimit: '64MB', duckdbThreads: 1, workerMemoryBudget: 10 * 64e6 };
    const sort = () => withS3DuckDB(settings, env.source(), credentials(), async (db) => {
      const [row] = await queryRows<{ n: bigint; s: bigint }>(db,
        'SELECT count(*) AS n, sum(k * pos) AS s FROM (SELECT k, row_number() OVER (ORDER BY k) AS pos FROM (SELECT hash(r) % 1000000007 AS k FROM range(3000000) t(r)))');
      return { n: Number(row!.n), s: String(row!.s) };
    });
    const [one, two] = await Promise.all([sort(), sort()]);
    expect(one.n).toBe(3_000_000);
    expect(two).toEqual(one);
  });

  it('at most floor(budget / memory_limit) - 1 instances are open at once (one slot is the warehouse\'s); the next waits', async () => {
    const settings: Settings = { ...env.settings, duckdbMemoryLimit: '100MB', workerMemoryBudget: 3 * 100e6 };
    expect(memorySlots(settings)).toBe(2);
    const a = await openS3DuckDB(settings, env.source(), credentials());
    const b = await openS3DuckDB(settings, env.source(), credentials());
    let third: Awaited<ReturnType<typeof openS3DuckDB>> | undefined;
    const pending = openS3DuckDB(settings, env.source(), credentials()).then((c) => { third = c; return c; });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(third).toBeUndefined();
    expect(memorySlotsInUse()).toBe(2);
    a.close();
    const c = await pending;
    expect(memorySlotsInUse()).toBe(2);
    b.close();
    c.close();
    expect(memorySlotsInUse()).toBe(0);
  });
});
