import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { rawTable, warehouse } from '../import/fixtures';
import { catalogEntry, validateAndDiscover } from './support';

let env: TestEnv;
const DEFAULT_KEY = 'orders/date=__HIVE_DEFAULT_PARTITION__/part-0.parquet';

beforeAll(async () => {
  env = await createTestEnv('hostile-scheme');
  await putTable(env.s3, env.bucket, 'orders/date=2025-02-01/part-0.parquet', 'SELECT r AS id FROM range(10) t(r)');
  await putTable(env.s3, env.bucket, 'orders/date=2025-02-02/part-0.parquet', 'SELECT 100 + r AS id FROM range(20) t(r)');
  await env.startWorker();
  await validateAndDiscover(env);
});
afterAll(async () => env?.close());

const count = async () => (await warehouse<{ n: number; ids: number }>(env, `SELECT count(*) AS n, count(DISTINCT id) AS ids FROM ${rawTable(env, 'orders')}`))[0];
const ledger = () => warehouse<{ unit: string; scheme: string }>(env,
  'SELECT unit, unit_scheme AS scheme FROM s3bridge.load_ledger WHERE table_name = $t ORDER BY unit', { t: 'orders' });

describe('a change of a table\'s unit scheme never duplicates rows', () => {
  it('loads per day and records the scheme with the ledger', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'orders', days: 'all' });
    expect(report.totals).toMatchObject({ loaded: 2, rows: 30 });
    expect(await ledger()).toEqual([{ unit: '2025-02-01', scheme: 'day:date' }, { unit: '2025-02-02', scheme: 'day:date' }]);
  });

  it('a __HIVE_DEFAULT_PARTITION__ folder makes it one whole-table unit, which replaces the day loads in one transaction', async () => {
    await putTable(env.s3, env.bucket, DEFAULT_KEY, 'SELECT 1000 + r AS id FROM range(5) t(r)');
    await env.s3bridge.discoverSchema({ connection: env.source() });
    const table = await catalogEntry(env, 'orders');
    expect(table.dayKey).toBeUndefined();
    // The day key's type changed (DATE to VARCHAR): that is drift, accepted here.
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'orders', driftPolicy: 'evolve' });
    expect(report.days).toHaveLength(1);
    expect(report.days[0]).toMatchObject({ unit: 'all', status: 'loaded', rows: 35, files: 3 });
    expect(report.days[0]!.reason).toContain("replaced the table's earlier load (one unit per day of \"date\")");
    expect(await count()).toEqual({ n: 35, ids: 35 });
    expect(await ledger()).toEqual([{ unit: 'all', scheme: 'whole-table' }]);
    const again = await env.s3bridge.importTable({ connection: env.source(), table: 'orders', driftPolicy: 'evolve' });
    expect(again.totals).toMatchObject({ loaded: 0, skipped: 1 });
    expect(await count()).toEqual({ n: 35, ids: 35 });
  });

  it('back to day folders: refused with what to do, nothing loaded, nothing lost', async () => {
    await env.s3.send(new DeleteObjectCommand({ Bucket: env.bucket, Key: DEFAULT_KEY }));
    await env.s3bridge.discoverSchema({ connection: env.source() });
    expect((await catalogEntry(env, 'orders')).dayKey).toBe('date');
    const refused = await env.s3bridge.importTable({ connection: env.source(), table: 'orders', driftPolicy: 'evolve' }).then(() => undefined, (error: unknown) => error);
    let cause = '';
    for (let e = refused as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) cause += ` ${e.message ?? ''}`;
    expect(cause).toContain('table "orders" was loaded into');
    expect(cause).toContain('as one whole-table unit, but its files are now laid out as one unit per day of "date"');
    expect(cause).toContain('Re-run the import with reload');
    expect(await count()).toEqual({ n: 35, ids: 35 });
    expect(await ledger()).toEqual([{ unit: 'all', scheme: 'whole-table' }]);
  });

  it('with reload, the first day removes the old load and every day then loads on its own', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'orders', days: 'all', reload: true, concurrency: 1, driftPolicy: 'evolve' });
    expect(report.totals).toMatchObject({ loaded: 2, failed: 0, rows: 30 });
    expect(report.days[0]!.reason).toContain("replaced the table's earlier load (one whole-table unit)");
    expect(await count()).toEqual({ n: 30, ids: 30 });
    expect(await ledger()).toEqual([{ unit: '2025-02-01', scheme: 'day:date' }, { unit: '2025-02-02', scheme: 'day:date' }]);
  });
});
