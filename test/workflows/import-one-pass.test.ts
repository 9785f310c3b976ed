import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, putTable, renderFile } from '../support/objects';
import { days, discover, lineageTable, rawTable, warehouse } from '../import/fixtures';
import { UNITS_PER_RUN } from '../../workflows/import-table';

let env: TestEnv;
const MANY = 60;
const LONG_DAYS = days('2024-01-01', 400);
const part = (i: number) => `part-${String(i).padStart(3, '0')}`;

/** A Parquet file whose footer reads but whose data pages do not decompress. */
async function corruptPages(): Promise<Buffer> {
  const body = Buffer.from(await renderFile("SELECT r * 7919 % 100003 AS id FROM range(20000) t(r)", 'parquet'));
  // Data pages sit after the 4-byte magic; the footer (schema, row groups) at the end stays intact.
  for (let i = 64; i < Math.min(body.length - 1024, 4096); i++) body[i] = 0xff - (body[i] ?? 0);
  return body;
}

beforeAll(async () => {
  env = await createTestEnv('import-one-pass');
  // A day of many small files, two hours each (a second partition key), one later file with an extra column.
  for (let i = 0; i < MANY; i++) {
    const hour = i % 2;
    const extra = i === MANY - 1 ? ", 'x' || r AS note" : '';
    await putTable(env.s3, env.bucket, `clicks/date=2025-05-01/hour=${hour}/${part(i)}.parquet`,
      `SELECT ${i} * 10 + r AS id, 'click' AS event${extra} FROM range(3) t(r)`);
  }
  await putTable(env.s3, env.bucket, 'broken/date=2025-05-01/part-000.parquet', 'SELECT r AS id FROM range(4) t(r)');
  await putTable(env.s3, env.bucket, 'broken/date=2025-05-02/part-000.parquet', 'SELECT r AS id FROM range(4) t(r)');
  // Text formats: several files in one day, read with the catalog's columns and types.
  const csvGz = (rows: string[]) => gzipSync(['id,amount,label', ...rows].join('\n'));
  for (let i = 0; i < 3; i++) {
    await putObject(env.s3, env.bucket, `sales/date=2025-06-01/${part(i)}.csv.gz`, csvGz([`${i + 1}1,10,a`, `${i + 1}2,20,b`]));
    await putObject(env.s3, env.bucket, `logs/date=2025-06-01/${part(i)}.ndjson.gz`,
      gzipSync(`{"id":${i + 1}1,"level":"info","ms":5}\n{"id":${i + 1}2,"level":"warn","ms":7}\n`));
  }
  // Events read by the warehouse itself: naive timestamps placed in the mapping's zone; one day with a row the checks reject.
  await putTable(env.s3, env.bucket, 'visits/date=2025-07-01/part-0.parquet',
    "SELECT * FROM (VALUES ('view', 'u1', TIMESTAMP '2025-07-01 08:00:00', '2025-07-01 08:00:00', 1.5), ('buy', 'u2', TIMESTAMP '2025-07-01 23:30:00', '2025-07-01 23:30:00', 20.0)) t(event, uid, ts, ts_text, amount)");
  await putTable(env.s3, env.bucket, 'visits/date=2025-07-02/part-0.parquet',
    "SELECT * FROM (VALUES ('view', 'u3', TIMESTAMP '2025-07-02 09:00:00', '2025-07-02 09:00:00', 2.0), ('view', 'u4', TIMESTAMP '2025-07-02 10:00:00', 'not a time', 3.0)) t(event, uid, ts, ts_text, amount)");
  // NDJSON events: the guard is what keeps a bad row out of a direct load of text (no footer count to compare).
  await putObject(env.s3, env.bucket, 'applog/date=2025-07-01/part-0.ndjson.gz',
    gzipSync('{"event":"open","uid":"u1","ts":"2025-07-01T08:00:00Z"}\n{"event":"close","uid":"u1","ts":"2025-07-01T09:00:00Z"}\n'));
  await putObject(env.s3, env.bucket, 'applog/date=2025-07-02/part-0.ndjson.gz',
    gzipSync('{"event":"open","uid":"u2","ts":"2025-07-02T08:00:00Z"}\n{"event":"close","uid":"u2","ts":"not a time"}\n'));
  for (const [i, day] of LONG_DAYS.entries()) {
    await putTable(env.s3, env.bucket, `daily/date=${day}/part-0.parquet`, `SELECT ${i} AS id FROM range(1) t(r)`);
  }
  // Every Parquet day loads directly here, however small its files (the default stages small ones).
  env.settings.directLoadMinFileBytes = 0;
  await env.startWorker();
  await discover(env);
  // Arrives after discovery: many good files and, in listing order among them, unreadable ones.
  // 120 files: the footers are read by several queries at once (50 or more per reader), one of which meets the bad footer.
  for (let i = 1; i < 120; i++) {
    await putTable(env.s3, env.bucket, `broken/date=2025-05-01/${part(i)}.parquet`, `SELECT ${i} * 10 + r AS id FROM range(4) t(r)`);
    await putTable(env.s3, env.bucket, `broken/date=2025-05-02/${part(i)}.parquet`, `SELECT ${i} * 10 + r AS id FROM range(4) t(r)`);
  }
  await putObject(env.s3, env.bucket, 'broken/date=2025-05-01/part-017.parquet', 'PAR1 this is not a parquet file PAR1');
  await putObject(env.s3, env.bucket, 'broken/date=2025-05-02/part-023.parquet', await corruptPages());
  await putObject(env.s3, env.bucket, 'sales/date=2025-06-02/part-000.csv.gz', csvGz(['31,30,c']));
  await putObject(env.s3, env.bucket, 'sales/date=2025-06-02/part-001.csv.gz', csvGz(['41,40,d', '42,many,e', '43,60,f']));
}, 600_000);
afterAll(async () => env?.close());

describe('one scan per day', () => {
  it('loads a day of many files in one pass: every row once, with its own key and its own partition values', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'clicks', days: 'all', driftPolicy: 'evolve' });
    expect(report.totals).toMatchObject({ loaded: 1, failed: 0, rows: MANY * 3, files: MANY });
    // Read by the warehouse itself inside the commit: no staged copy (hour values joined per file).
    expect(report.days[0]!.path).toBe('direct');
    const rows = await warehouse<{ id: number; hour: number; note: string | null; key: string }>(env,
      `SELECT id, hour, note, _source_key AS key FROM ${lineageTable(env, 'clicks')} ORDER BY id`);
    expect(rows).toHaveLength(MANY * 3);
    for (const row of rows) {
      const file = Math.floor(row.id / 10);
      expect(row).toEqual({
        id: row.id, hour: file % 2, note: file === MANY - 1 ? `x${row.id % 10}` : null,
        key: `clicks/date=2025-05-01/hour=${file % 2}/${part(file)}.parquet`,
      });
    }
  });

  it('names the corrupt file among many: an unreadable footer, and data pages that fail inside the one scan', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'broken', days: 'all' });
    expect(report.days.map((d) => [d.day, d.status])).toEqual([['2025-05-01', 'failed'], ['2025-05-02', 'failed']]);
    expect(report.days[0]!.reason).toMatch(new RegExp(`^s3://${env.bucket}/broken/date=2025-05-01/part-017\\.parquet cannot be read as parquet: .+; replace or remove the file, then re-run the import$`));
    expect(report.days[1]!.reason).toMatch(new RegExp(`^s3://${env.bucket}/broken/date=2025-05-02/part-023\\.parquet cannot be read as parquet: .+; replace or remove the file, then re-run the import$`));
    expect(await warehouse(env, "SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE '%broken'")).toEqual([{ n: 0 }]);
  });

  it('reads gzipped CSV and NDJSON days with the catalog\'s columns and types; a bad line names its file and line', async () => {
    const sales = await env.s3bridge.importTable({ connection: env.source(), table: 'sales', days: 'all', errorPolicy: 'skip-to-rejects' });
    expect(sales.days.map((d) => [d.day, d.status, d.rows, d.rejectedRows, d.path])).toEqual([['2025-06-01', 'loaded', 6, 0, 'direct'], ['2025-06-02', 'loaded', 3, 1, 'staged']]);
    expect(await warehouse(env, `SELECT id, amount, label, _source_key AS key FROM ${lineageTable(env, 'sales')} WHERE id IN (11, 41) ORDER BY id`)).toEqual([
      { id: 11, amount: 10, label: 'a', key: 'sales/date=2025-06-01/part-000.csv.gz' },
      { id: 41, amount: 40, label: 'd', key: 'sales/date=2025-06-02/part-001.csv.gz' },
    ]);
    expect(await warehouse(env, `SELECT column_name, data_type FROM information_schema.columns
      WHERE table_schema = 'raw' AND table_name = $t AND column_name IN ('id', 'amount', 'label') ORDER BY ordinal_position`, { t: `${env.source().name}__sales` }))
      .toEqual([{ column_name: 'id', data_type: 'BIGINT' }, { column_name: 'amount', data_type: 'BIGINT' }, { column_name: 'label', data_type: 'VARCHAR' }]);
    expect(await warehouse(env, 'SELECT source_key, row_number, column_name FROM s3bridge.rejects WHERE table_name = $t', { t: 'sales' }))
      .toEqual([{ source_key: 'sales/date=2025-06-02/part-001.csv.gz', row_number: 3, column_name: 'amount' }]);

    const logs = await env.s3bridge.importTable({ connection: env.source(), table: 'logs', days: 'all' });
    expect(logs.totals).toMatchObject({ loaded: 1, rows: 6, files: 3 });
    expect(logs.days[0]!.path).toBe('direct');
    expect(await warehouse(env, `SELECT id, level, ms, _source_key AS key FROM ${lineageTable(env, 'logs')} ORDER BY id`)).toEqual(
      [0, 1, 2].flatMap((i) => [
        { id: (i + 1) * 10 + 1, level: 'info', ms: 5, key: `logs/date=2025-06-01/${part(i)}.ndjson.gz` },
        { id: (i + 1) * 10 + 2, level: 'warn', ms: 7, key: `logs/date=2025-06-01/${part(i)}.ndjson.gz` },
      ]));
  });
});

describe('events read by the warehouse in the commit', () => {
  it('maps a Parquet day in one pass with timestamps in the mapping\'s zone; a day with a rejected row stages and records it', async () => {
    const report = await env.s3bridge.importTable({
      connection: env.source(), table: 'visits', days: 'all', errorPolicy: 'skip-to-rejects',
      mapping: { mode: 'events', events: { eventName: { column: 'event' }, userId: 'uid', timestamp: { column: 'ts_text', timezone: 'America/New_York' }, value: 'amount', properties: ['ts'] } },
    });
    expect(report.days.map((d) => [d.day, d.status, d.rows, d.rejectedRows, d.path])).toEqual([
      ['2025-07-01', 'loaded', 2, 0, 'direct'], ['2025-07-02', 'loaded', 1, 1, 'staged'],
    ]);
    expect(await warehouse(env, `SELECT event_name, user_id, strftime("timestamp" AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS ts, "value", _day::VARCHAR AS day
      FROM lineage.events WHERE _table = 'visits' ORDER BY "timestamp"`)).toEqual([
      { event_name: 'view', user_id: 'u1', ts: '2025-07-01T12:00:00Z', value: '1.5', day: '2025-07-01' },
      { event_name: 'buy', user_id: 'u2', ts: '2025-07-02T03:30:00Z', value: '20.0', day: '2025-07-01' },
      { event_name: 'view', user_id: 'u3', ts: '2025-07-02T13:00:00Z', value: '2.0', day: '2025-07-02' },
    ]);
    expect(await warehouse(env, "SELECT source_key, row_number, column_name FROM s3bridge.rejects WHERE table_name = 'visits'"))
      .toEqual([{ source_key: 'visits/date=2025-07-02/part-0.parquet', row_number: 2, column_name: 'ts_text' }]);
  });
});

describe('text read by the warehouse in the commit', () => {
  it('loads a good NDJSON day directly; a row that fails a check makes its day stage and records it', async () => {
    const report = await env.s3bridge.importTable({
      connection: env.source(), table: 'applog', days: 'all', errorPolicy: 'skip-to-rejects',
      mapping: { mode: 'events', events: { eventName: { column: 'event' }, userId: 'uid', timestamp: { column: 'ts' } } },
    });
    expect(report.days.map((d) => [d.day, d.status, d.rows, d.rejectedRows, d.path])).toEqual([
      ['2025-07-01', 'loaded', 2, 0, 'direct'], ['2025-07-02', 'loaded', 1, 1, 'staged'],
    ]);
    expect(await warehouse(env, "SELECT event_name, user_id, _day::VARCHAR AS day FROM lineage.events WHERE _table = 'applog' ORDER BY \"timestamp\"")).toEqual([
      { event_name: 'open', user_id: 'u1', day: '2025-07-01' }, { event_name: 'close', user_id: 'u1', day: '2025-07-01' },
      { event_name: 'open', user_id: 'u2', day: '2025-07-02' },
    ]);
    expect(await warehouse(env, "SELECT source_key, column_name FROM s3bridge.rejects WHERE table_name = 'applog'"))
      .toEqual([{ source_key: 'applog/date=2025-07-02/part-0.ndjson.gz', column_name: 'ts' }]);
  });
});

describe('a long backfill', () => {
  it(`imports 400 days with every workflow history far below 10,240 events (continues as new every ${UNITS_PER_RUN} days)`, async () => {
    const handle = await env.s3bridge.startImport({ connection: env.source(), table: 'daily', days: 'all', concurrency: 8 });
    const report = await handle.result();
    expect(report.totals).toMatchObject({ loaded: 400, failed: 0, skipped: 0, rows: 400 });
    expect(report.days.map((d) => d.day)).toEqual(LONG_DAYS);
    expect(await warehouse(env, `SELECT count(DISTINCT id) AS ids, count(*) AS n FROM ${rawTable(env, 'daily')}`)).toEqual([{ ids: 400, n: 400 }]);
    const runs: number[] = [];
    for await (const execution of env.temporal.workflow.list({ query: `WorkflowId = ${JSON.stringify(handle.workflowId)}` })) {
      const history = await env.temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      runs.push(history.events?.length ?? 0);
    }
    expect(runs).toHaveLength(Math.ceil(400 / UNITS_PER_RUN));
    // How many events a day costs depends on how child completions group into workflow tasks
    // (timing): about 6 to 9. Half of Temporal's 10,240-event warning is the bound that matters.
    for (const events of runs) expect(events).toBeLessThan(5_000);

    const rerun = await env.s3bridge.importTable({ connection: env.source(), table: 'daily', days: 'all' });
    expect(rerun.totals).toMatchObject({ loaded: 0, skipped: 400 });
  }, 600_000);
});
