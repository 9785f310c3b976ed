import { readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { days, discover, lineageTable, rawTable, warehouse } from '../import/fixtures';

let env: TestEnv;
const DAYS = days('2025-01-01', 30);
const rowsOf = (i: number) => 100 + i;

beforeAll(async () => {
  env = await createTestEnv('import-table');
  for (const [i, day] of DAYS.entries()) {
    await putTable(env.s3, env.bucket, `events/date=${day}/part-0.parquet`,
      `SELECT ${i} * 1000 + r AS id, 'page_view' AS event FROM range(${rowsOf(i)}) t(r)`);
  }
  await putTable(env.s3, env.bucket, 'users/users.parquet', "SELECT r AS user_id, 'u' || r AS name FROM range(42) t(r)");
  await env.startWorker();
  // The catalog entries come from real discovery, as a user's import would.
  await discover(env);
  const [events] = await warehouse<{ descriptor: string }>(env,
    "SELECT descriptor::VARCHAR AS descriptor FROM s3bridge.discovered_tables WHERE name = 'events'");
  expect(JSON.parse(events!.descriptor)).toMatchObject({ layout: 'hive', format: 'parquet', dayKey: 'date', fileCount: 30 });
});
afterAll(async () => env?.close());

async function countsByDay(): Promise<Record<string, number>> {
  const rows = await warehouse<{ day: string; n: number }>(env, `SELECT _day::VARCHAR AS day, count(*) AS n FROM ${rawTable(env, 'events')} GROUP BY 1 ORDER BY 1`);
  return Object.fromEntries(rows.map((r) => [r.day, r.n]));
}

const expected = () => Object.fromEntries(DAYS.map((day, i) => [day, rowsOf(i)]));

describe('importTable (raw mode, Hive day partitions)', () => {
  let firstRunId: string;
  let firstRun: string;

  it('imports 30 days with the exact row count of every day', async () => {
    const handle = await env.s3bridge.startImport({ connection: env.source(), table: 'events', days: 'all', concurrency: 4 });
    firstRunId = handle.workflowId;
    firstRun = (await handle.describe()).runId;
    const report = await handle.result();
    expect(report.totals).toMatchObject({ loaded: 30, skipped: 0, failed: 0, rows: DAYS.reduce((n, _, i) => n + rowsOf(i), 0), files: 30 });
    expect(report.target).toBe(`raw.${env.source().name}__events`);
    expect(report.days.map((d) => [d.day, d.status, d.rows, d.reason])).toEqual(DAYS.map((day, i) => [day, 'loaded', rowsOf(i), 'new']));
    expect(await countsByDay()).toEqual(expected());
    const [lineage] = await warehouse<Record<string, unknown>>(env,
      `SELECT id, event, date::VARCHAR AS date, _connection, _table, _day::VARCHAR AS _day, _source_key FROM ${lineageTable(env, 'events')} WHERE id = 2005`);
    expect(lineage).toEqual({
      id: 2005, event: 'page_view', date: '2025-01-03', _connection: env.source().name, _table: 'events', _day: '2025-01-03',
      _source_key: 'events/date=2025-01-03/part-0.parquet',
    });
    const ledger = await warehouse<{ n: number; rows: number }>(env,
      'SELECT count(*) AS n, sum(row_count) AS rows FROM s3bridge.load_ledger WHERE connection = $c', { c: env.source().name });
    expect(ledger).toEqual([{ n: 30, rows: report.totals.rows }]);
  });

  it('loads nothing when re-run on unchanged files', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'events', days: 'all' });
    expect(report.totals).toMatchObject({ loaded: 0, skipped: 30, failed: 0, rows: 0 });
    expect(new Set(report.days.map((d) => d.reason))).toEqual(new Set(['unchanged']));
    expect(await countsByDay()).toEqual(expected());
  });

  it('reloads exactly the days whose files changed: a late file and a rewritten file', async () => {
    const before = await warehouse<{ day: string; load_id: string }>(env,
      'SELECT day::VARCHAR AS day, load_id FROM s3bridge.load_ledger WHERE connection = $c ORDER BY day', { c: env.source().name });
    await putTable(env.s3, env.bucket, 'events/date=2025-01-07/part-1.parquet', "SELECT 900000 + r AS id, 'late' AS event FROM range(7) t(r)");
    await putTable(env.s3, env.bucket, 'events/date=2025-01-09/part-0.parquet', "SELECT 800000 + r AS id, 'rewritten' AS event FROM range(55) t(r)");
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'events' });
    expect(report.days.map((d) => [d.day, d.status, d.rows, d.files, d.reason])).toEqual([
      ['2025-01-07', 'loaded', rowsOf(6) + 7, 2, 'files changed'],
      ['2025-01-09', 'loaded', 55, 1, 'files changed'],
    ]);
    expect(report.totals).toMatchObject({ loaded: 2, skipped: 28, failed: 0 });
    expect(await countsByDay()).toEqual({ ...expected(), '2025-01-07': rowsOf(6) + 7, '2025-01-09': 55 });
    const after = await warehouse<{ day: string; load_id: string }>(env,
      'SELECT day::VARCHAR AS day, load_id FROM s3bridge.load_ledger WHERE connection = $c ORDER BY day', { c: env.source().name });
    const changed = after.filter((row, i) => row.load_id !== before[i]!.load_id).map((row) => row.day);
    expect(changed).toEqual(['2025-01-07', '2025-01-09']);
  });

  it('imports a table without a day partition as one unit', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'users' });
    expect(report.days).toMatchObject([{ unit: 'all', day: null, status: 'loaded', rows: 42, files: 1 }]);
    expect(await warehouse(env, `SELECT count(*) AS n, count(DISTINCT _day) AS days FROM ${rawTable(env, 'users')}`)).toEqual([{ n: 42, days: 0 }]);
  });

  it('replays the import workflow history deterministically', async () => {
    const history = await env.temporal.workflow.getHandle(firstRunId, firstRun).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') } }, history, firstRunId);
    // 30 small days over 4 lanes load in batches (loadDayBatch); importDay's replay is in test/histories.
    const batches = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'loadDayBatch');
    expect(batches.length).toBe(4);
  });
});
