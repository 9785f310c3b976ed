import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { rawTable, warehouse } from '../import/fixtures';
import { catalogEntry, validateAndDiscover } from './support';
import { listTableFiles } from '../../src/import/list-table-files';
import type { ListObjectsV2CommandInput } from '@aws-sdk/client-s3';

let env: TestEnv;
const DAYS = ['2025-01-01', '2025-01-02', '2025-01-03'];
const compact = (day: string) => day.replaceAll('-', '');
const unixMillis = (day: string) => String(Date.parse(`${day}T00:00:00Z`));
const rowsOf = (i: number) => 10 * (i + 1);

beforeAll(async () => {
  env = await createTestEnv('hostile-spellings');
  for (const [i, day] of DAYS.entries()) {
    // Hive day keys spelled compact and as unix milliseconds, a second level below the day.
    await putTable(env.s3, env.bucket, `compact/dt=${compact(day)}/region=eu/part-0.parquet`, `SELECT ${i} AS d, r AS id FROM range(${rowsOf(i)}) t(r)`);
    await putTable(env.s3, env.bucket, `millis/day=${unixMillis(day)}/part-0.parquet`, `SELECT ${i} AS d, r AS id FROM range(${rowsOf(i)}) t(r)`);
    // Statsig's metrics layout: day folders whose files repeat the day in a `date` column.
    await putTable(env.s3, env.bucket, `metrics/${day}/part-0.parquet`,
      `SELECT 'u' || r AS unit, 'revenue' AS metric, r * 1.5 AS val, DATE '${day}' AS "date" FROM range(${rowsOf(i)}) t(r)`);
  }
  // A numeric key that looks like a compact day but is not named like a day stays a number.
  await putTable(env.s3, env.bucket, 'versions/version=20250101/part-0.parquet', 'SELECT 1 AS x');
  await env.startWorker();
  await validateAndDiscover(env);
});
afterAll(async () => env?.close());

async function perDay(table: string, column = '_day'): Promise<Record<string, number>> {
  const rows = await warehouse<{ day: string; n: number }>(env, `SELECT ${column}::VARCHAR AS day, count(*) AS n FROM ${table} GROUP BY 1 ORDER BY 1`);
  return Object.fromEntries(rows.map((r) => [r.day, r.n]));
}
const expected = Object.fromEntries(DAYS.map((day, i) => [day, rowsOf(i)]));

describe('Hive day keys in every spelling the planner reads', () => {
  it('discovery types dt=20250101 as the DATE day key with its spelling, values as ISO days', async () => {
    const table = await catalogEntry(env, 'compact');
    expect(table).toMatchObject({ layout: 'hive', dayKey: 'dt', dayFormat: 'YYYYMMDD' });
    expect(table.partitionKeys).toEqual([
      { name: 'dt', type: 'DATE', values: DAYS },
      { name: 'region', type: 'VARCHAR', values: ['eu'] },
    ]);
    expect(await catalogEntry(env, 'millis')).toMatchObject({ dayKey: 'day', dayFormat: 'unix-millis' });
    const versions = await catalogEntry(env, 'versions');
    expect(versions.dayKey).toBeUndefined();
    expect(versions.partitionKeys[0]).toMatchObject({ name: 'version', type: 'BIGINT' });
  });

  it('imports dt=20250101 per day with exact rows, the dt column as a DATE', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'compact', days: 'all' });
    expect(report.days.map((d) => [d.unit, d.status, d.rows])).toEqual(DAYS.map((day, i) => [day, 'loaded', rowsOf(i)]));
    expect(await perDay(rawTable(env, 'compact'))).toEqual(expected);
    expect(await perDay(rawTable(env, 'compact'), 'dt')).toEqual(expected);
  });

  it('a re-run finds every day (never "no files found") and skips them as unchanged; a late file reloads just its day', async () => {
    const again = await env.s3bridge.importTable({ connection: env.source(), table: 'compact', days: 'all' });
    expect(again.days.map((d) => d.reason)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    await putTable(env.s3, env.bucket, `compact/dt=${compact(DAYS[1]!)}/region=us/part-0.parquet`, 'SELECT 9 AS d, r AS id FROM range(5) t(r)');
    const late = await env.s3bridge.importTable({ connection: env.source(), table: 'compact' });
    expect(late.days.map((d) => [d.unit, d.status, d.rows, d.reason])).toEqual([[DAYS[1], 'loaded', rowsOf(1) + 5, 'files changed']]);
    expect(await perDay(rawTable(env, 'compact'))).toEqual({ ...expected, [DAYS[1]!]: rowsOf(1) + 5 });
  });

  it('imports day=<unix millis> per day', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'millis', days: 'all' });
    expect(report.totals).toMatchObject({ loaded: 3, failed: 0 });
    expect(await perDay(rawTable(env, 'millis'))).toEqual(expected);
  });

  it('a day load lists only that day\'s folder, in the recorded spelling', async () => {
    const prefixes: string[] = [];
    const send = env.s3.send.bind(env.s3);
    const spy = Object.assign(Object.create(env.s3) as typeof env.s3, {
      send: (command: { input: ListObjectsV2CommandInput }) => {
        prefixes.push(command.input.Prefix ?? '');
        return send(command as never);
      },
    });
    const units = await listTableFiles(spy, env.bucket, await catalogEntry(env, 'compact'), { onlyUnit: DAYS[2] });
    expect([...units.keys()]).toEqual([DAYS[2]]);
    await listTableFiles(spy, env.bucket, await catalogEntry(env, 'metrics'), { onlyUnit: DAYS[0] });
    await listTableFiles(spy, env.bucket, await catalogEntry(env, 'millis'), { onlyUnit: DAYS[0] });
    expect(prefixes).toEqual([`compact/dt=${compact(DAYS[2]!)}/`, `metrics/${DAYS[0]}/`, `millis/day=${unixMillis(DAYS[0]!)}/`]);
  });
});

describe('a column repeating the partition key is not drift', () => {
  it('metrics mode on Statsig day folders with a `date` column loads every day, no spurious new column', async () => {
    const report = await env.s3bridge.importTable({
      connection: env.source(), table: 'metrics', days: 'all', driftPolicy: 'fail',
      mapping: { mode: 'metrics', metrics: { unitId: 'unit', unitType: 'user_id', metricName: { column: 'metric' }, value: 'val' } },
    });
    expect(report.days.map((d) => [d.unit, d.status, d.rows, d.reason])).toEqual(DAYS.map((day, i) => [day, 'loaded', rowsOf(i), 'new']));
    expect(await perDay('canonical.metrics', '"date"')).toEqual(expected);
  });

  it('raw mode keeps the folder\'s day in `date` and reports no drift either', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'metrics', days: 'all', driftPolicy: 'fail' });
    expect(report.totals).toMatchObject({ loaded: 3, failed: 0 });
    expect(await perDay(rawTable(env, 'metrics'), '"date"')).toEqual(expected);
  });
});
