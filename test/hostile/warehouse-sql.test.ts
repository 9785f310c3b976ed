import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { historyText } from '../support/history-text';
import { innermostFailure } from '../support/workflow-failure';
import { discover, rawTable } from '../import/fixtures';
import { sharedSettings } from '../support/shared-store';
import { startQueryWarehouse } from '../../src/client/warehouse-client';
import { buildDeps } from '../../src/worker/build-deps';
import type { QueryWarehouseInput } from '../../src/workflow-safe/inputs/warehouse-maintenance-input';
import { QUERY_BUSY, QUERY_REFUSED, QUERY_TIMED_OUT } from '../../src/workflow-safe/failure-types';

/**
 * `s3bridge sql` (the queryWarehouse workflow) is open to anyone who can start a workflow. It may
 * name the warehouse's own tables and pure functions, nothing else; it runs beside commits, never
 * in their way, and stops at its timeout.
 */
let env: TestEnv;
const READS = 'it reads the warehouse\'s own tables and views only (schema.table, e.g. s3bridge.load_ledger or raw."shop__events")';

beforeAll(async () => {
  env = await createTestEnv('hostile-sql');
  for (const day of ['2025-04-01', '2025-04-02']) {
    await putTable(env.s3, env.bucket, `events/date=${day}/part-0.parquet`, 'SELECT r AS id, r * 3 AS v FROM range(1000) t(r)');
  }
  await env.startWorker();
  await discover(env);
  const report = await env.s3bridge.importTable({ connection: env.source(), table: 'events', days: 'all' });
  expect(report.days.map((d) => d.status)).toEqual(['loaded', 'loaded']);
}, 300_000);
afterAll(async () => env?.close());

const query = async (input: QueryWarehouseInput) => (await startQueryWarehouse(env.s3bridge, input)).result();
const failureOf = (input: QueryWarehouseInput) => innermostFailure(query(input));

describe('s3bridge sql names nothing but the warehouse\'s tables', () => {
  it('cannot read the worker\'s settings (where httpfs put its AWS keys): current_setting, pg_settings, duckdb_settings()', async () => {
    for (const [sql, message] of [
      ["SELECT current_setting('s3_access_key_id'), current_setting('s3_secret_access_key')", 'the function current_setting() is not allowed: s3bridge sql computes with pure functions only (no settings, variables, files or URLs)'],
      ["SELECT value FROM pg_settings WHERE name LIKE 's3%'", `pg_settings is not a table of the warehouse: ${READS}`],
      ['SELECT * FROM duckdb_settings()', `the table function duckdb_settings() is not allowed: ${READS}, not files, URLs or DuckDB's own tables`],
    ]) {
      const failure = await failureOf({ sql: sql!, limit: 5 });
      expect([failure.type, failure.nonRetryable, failure.message]).toEqual([QUERY_REFUSED, true, message]);
    }
  });

  it('cannot read files in the data dir: a schema-qualified path (a replacement scan), SUMMARIZE, a glob', async () => {
    const probe = path.join(env.settings.dataDir, 'probe');
    writeFileSync(`${probe}.csv`, 'staged\nrow-of-another-load\n');
    for (const [sql, message] of [
      [`SELECT * FROM "${probe}".csv`, `${JSON.stringify(probe)}.csv is not a table of the warehouse: ${READS}`],
      [`SUMMARIZE "${probe}".csv`, `DESCRIBE, SUMMARIZE and SHOW are not allowed: ${READS}`],
      [`SELECT * FROM '${env.settings.dataDir}/*.csv'`, `${JSON.stringify(`${env.settings.dataDir}/*.csv`)} is not a table of the warehouse: ${READS}`],
    ]) {
      const failure = await failureOf({ sql: sql!, limit: 5 });
      expect([failure.type, failure.message]).toEqual([QUERY_REFUSED, message]);
    }
  });

  it('cannot hold the worker\'s memory or a core past its timeout, or overflow its stack, with one call: repeat, a range over a column, lpad to a computed width, json_structure, a deep from_json structure, levenshtein', async () => {
    // Before: each ran inside one DuckDB function call, which neither memory_limit nor the interrupt governs
    // (repeat('x', 600000000) took 1.2 GB and 20 s under a 300 MB limit; range(80000000), 9 GB).
    const table = rawTable(env, 'events');
    for (const [sql, message] of [
      ["SELECT length(repeat('x', 100000000))", 'the function repeat() is not allowed: its result\'s size is set by an argument\'s value, so one call could exhaust the worker\'s memory past DuckDB\'s memory_limit'],
      [`SELECT sum(len(range(id))) FROM ${table}`, 'range() is allowed with constant integer arguments giving at most 10000 elements: a larger or computed one could exhaust the worker\'s memory past DuckDB\'s memory_limit'],
      [`SELECT max(length(lpad('x', (id * 1000)::INTEGER, 'y'))) FROM ${table}`, 'lpad() is allowed with a constant length of at most 10000: a larger or computed one could exhaust the worker\'s memory past DuckDB\'s memory_limit'],
      // A deeply nested document (an imported JSON column, or a literal) overflowed the stack: SIGSEGV, the worker gone.
      ["SELECT json_structure('{\"a\": [1]}')", 'the function json_structure() is not allowed: it recurses as deep as the JSON it is given, and a deeply nested document (from a table or a literal) overflows the worker\'s stack and kills it'],
      [`SELECT from_json('[]', '${'['.repeat(40)}"INTEGER"${']'.repeat(40)}')`, 'from_json() is allowed with a constant structure nested at most 32 deep: DuckDB builds the type recursively, and a deeper one overflows the worker\'s stack and kills it'],
      [`SELECT max(levenshtein(id::VARCHAR, v::VARCHAR)) FROM ${table}`, 'the function levenshtein() is not allowed: its cost grows with the product of its inputs\' lengths and DuckDB cannot interrupt it at the query\'s timeout; hamming or mismatches compare equal-length strings'],
    ]) {
      const failure = await failureOf({ sql: sql!, limit: 1, timeoutSeconds: 5 });
      expect([failure.type, failure.nonRetryable, failure.message]).toEqual([QUERY_REFUSED, true, message]);
    }
    expect((await query({ sql: `SELECT lpad(max(id)::VARCHAR, 4, '0') AS top, len(range(3)) AS n FROM ${table}`, limit: 1 })).rows).toEqual([{ top: '0999', n: '3' }]);
  });

  it('still reads the bookkeeping tables and the import target, as the console does', async () => {
    const ledger = await query({ sql: `SELECT unit, row_count FROM s3bridge.load_ledger WHERE connection = '${env.source().name}' ORDER BY unit`, limit: 10 });
    expect(ledger.rows).toEqual([{ unit: '2025-04-01', row_count: '1000' }, { unit: '2025-04-02', row_count: '1000' }]);
    const rows = await query({ sql: `SELECT _day::VARCHAR AS day, count(*)::INTEGER AS n FROM ${rawTable(env, 'events')} GROUP BY ALL ORDER BY 1`, limit: 10 });
    expect(rows.rows).toEqual([{ day: '2025-04-01', n: 1000 }, { day: '2025-04-02', n: 1000 }]);
    for (const table of ['s3bridge.rejects', 's3bridge.accepted_schemas']) {
      expect((await query({ sql: `SELECT count(*)::INTEGER AS n FROM ${table}`, limit: 1 })).columns).toEqual([{ name: 'n', type: 'INTEGER' }]);
    }
  });

  it('scrubs what a failed query quotes back before it reaches history', async () => {
    const value = 'customer-value-9b3f-that-must-not-reach-history';
    const handle = await startQueryWarehouse(env.s3bridge, { sql: `SELECT '${value}'::INTEGER`, limit: 1 });
    const failure = await innermostFailure(handle.result());
    expect(failure.message).toBe("the query failed: Conversion Error: Could not convert string 'customer-value-9b3f-...(27 more chars)' to INT32");
    const failures = (await historyText(env.temporal, [handle.workflowId])).split('\n').filter((line) => line.includes('Could not convert'));
    expect(failures.length).toBeGreaterThan(0);
    for (const line of failures) expect(line).not.toContain(value);
  });
});

describe('s3bridge sql cannot stall imports', () => {
  it('an import commits while a slow query runs; the query is stopped at its timeout, once, not retried', async () => {
    await putTable(env.s3, env.bucket, 'events/date=2025-04-03/part-0.parquet', 'SELECT r AS id, r * 3 AS v FROM range(1000) t(r)');
    const table = rawTable(env, 'events');
    const started = Date.now();
    // 2000^4 rows: far longer than any timeout.
    const slow = await startQueryWarehouse(env.s3bridge, { sql: `SELECT count(*) FROM ${table} a, ${table} b, ${table} c, ${table} d`, limit: 1, timeoutSeconds: 30 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'events', days: 'new-and-changed' });
    expect(report.days.map((d) => [d.day, d.status, d.rows])).toEqual([['2025-04-03', 'loaded', 1000]]);
    expect((await slow.describe()).status.name).toBe('RUNNING');

    const failure = await innermostFailure(slow.result());
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual([QUERY_TIMED_OUT, true,
      'the query ran longer than its timeout (30 s) and was stopped: narrow it (a WHERE on _day, fewer joins) or raise its timeout (s3bridge sql --timeout, at most 300 s)']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30_000);
    const history = await slow.fetchHistory();
    expect(history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt)).toEqual([1]);
  }, 180_000);
});

describe('a flood of queries cannot take the worker\'s activity slots', () => {
  it('two slow queries run at once on a worker; a third waits on Temporal timers, not in an activity slot, and runs when one has finished; an import still commits', async () => {
    await putTable(env.s3, env.bucket, 'events/date=2025-04-04/part-0.parquet', 'SELECT r AS id, r * 3 AS v FROM range(1000) t(r)');
    const table = rawTable(env, 'events');
    const slow = { sql: `SELECT count(*) FROM ${table} a, ${table} b, ${table} c, ${table} d`, limit: 1, timeoutSeconds: 20 };
    const running = [await startQueryWarehouse(env.s3bridge, slow), await startQueryWarehouse(env.s3bridge, slow)];
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const third = await startQueryWarehouse(env.s3bridge, { sql: 'SELECT 1 AS one', limit: 1 });
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'events', days: 'new-and-changed' });
    expect(report.days.map((d) => [d.day, d.status])).toEqual([['2025-04-04', 'loaded']]);

    expect((await third.result()).rows).toEqual([{ one: 1 }]);
    for (const handle of running) expect((await innermostFailure(handle.result())).type).toBe(QUERY_TIMED_OUT);
    // Refused by the worker while the two ran (each refusal a failed attempt of its own activity), waited on timers between.
    const events = (await third.fetchHistory()).events!;
    const failed = events.filter((e) => e.activityTaskFailedEventAttributes);
    expect(failed.length).toBeGreaterThan(1);
    expect(failed.every((e) => JSON.stringify(e.activityTaskFailedEventAttributes!.failure).includes(QUERY_BUSY))).toBe(true);
    expect(events.filter((e) => e.timerStartedEventAttributes).length).toBe(failed.length);
    expect(events.filter((e) => e.activityTaskCompletedEventAttributes).length).toBe(1);
  }, 180_000);
});

describe('in the shared setup, s3bridge sql reads the lake\'s tables only', () => {
  it('reads the lake\'s bookkeeping tables, not the Postgres catalog beside it nor DuckLake\'s own metadata', async () => {
    const deps = buildDeps(await sharedSettings(env));
    const lake = (sql: string) => deps.sink.query(sql, { limit: 5, timeoutMs: 30_000 }).then((r) => r.rows, (e: Error) => e.message);
    try {
      expect(await lake('SELECT count(*)::INTEGER AS n FROM s3bridge.load_ledger')).toEqual([{ n: 0 }]);
      expect(await lake('SELECT * FROM s3bridge_catalog.s3bridge.connections')).toBe(`s3bridge_catalog.s3bridge.connections is not a table of the warehouse: ${READS}`);
      expect(await lake('SELECT * FROM s3bridge.connections')).toBe(`s3bridge.connections is not a table of the warehouse: ${READS}`);
      expect(await lake('SELECT * FROM __ducklake_metadata_s3bridge_lake.ducklake.ducklake_snapshot'))
        .toBe(`__ducklake_metadata_s3bridge_lake.ducklake.ducklake_snapshot is not a table of the warehouse: ${READS}`);
    } finally {
      await deps.close();
    }
  });
});
