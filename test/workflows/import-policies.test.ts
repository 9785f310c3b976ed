import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, putTable } from '../support/objects';
import { discover, rawTable, warehouse } from '../import/fixtures';
import { importDayStateQuery } from '../../workflows/definitions';

let env: TestEnv;
const csv = (...lines: string[]) => ['id,amount,note', ...lines].join('\n');

beforeAll(async () => {
  env = await createTestEnv('import-policies');
  await putObject(env.s3, env.bucket, 'orders/date=2025-03-01/part-0.csv', csv('1,10,a', '2,20,b'));
  await putObject(env.s3, env.bucket, 'orders/date=2025-03-03/part-0.csv', csv('8,80,h'));
  await putTable(env.s3, env.bucket, 'visits/date=2025-03-01/part-0.parquet', 'SELECT r AS id FROM range(5) t(r)');
  await putTable(env.s3, env.bucket, 'visits/date=2025-03-03/part-0.parquet', 'SELECT r AS id FROM range(7) t(r)');
  await putTable(env.s3, env.bucket, 'drifty/date=2025-04-01/part-0.parquet', "SELECT r AS id, 'n' || r AS name FROM range(3) t(r)");
  await putObject(env.s3, env.bucket, 'signups/date=2025-03-01/part-0.ndjson', '{"id":1,"age":30}\n{"id":2,"age":41}\n');
  await env.startWorker();
  await discover(env);
  // Bad data arrives after discovery, as it does in production.
  // Line 3 holds a value that is not a BIGINT; line 5 has one field too many.
  await putObject(env.s3, env.bucket, 'orders/date=2025-03-02/part-0.csv', csv('3,30,c', '4,abc,d', '5,50,e', '6,60,f,extra', '7,70,g'));
  await putObject(env.s3, env.bucket, 'visits/date=2025-03-02/part-0.parquet', 'PAR1 this is not a parquet file PAR1');
  await putObject(env.s3, env.bucket, 'signups/date=2025-03-02/part-0.ndjson', '{"id":3,"age":22}\n{"id":4,"age":"old"}\n');
});
afterAll(async () => env?.close());

const statuses = (report: { days: { day: string | null; status: string; rows: number }[] }) => report.days.map((d) => [d.day, d.status, d.rows]);

describe('bad data', () => {
  it('fail-day (default): the bad day fails naming the key, line and column; the other days load', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'orders', days: 'all' });
    expect(statuses(report)).toEqual([['2025-03-01', 'loaded', 2], ['2025-03-02', 'failed', 0], ['2025-03-03', 'loaded', 1]]);
    expect(report.days[1]!.reason).toBe(
      `s3://${env.bucket}/orders/date=2025-03-02/part-0.csv line 3, column "amount": Error when converting column "amount". Could not convert string "abc" to 'BIGINT'; ` +
      'fix the file, or import with errorPolicy "skip-to-rejects" to load the good rows and keep the bad ones in s3bridge.rejects');
    expect(await warehouse(env, `SELECT _day::VARCHAR AS day, count(*) AS n FROM ${rawTable(env, 'orders')} GROUP BY 1 ORDER BY 1`))
      .toEqual([{ day: '2025-03-01', n: 2 }, { day: '2025-03-03', n: 1 }]);
  });

  it('skip-to-rejects: good rows load, bad rows land in s3bridge.rejects with the reason and the raw line', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'orders', errorPolicy: 'skip-to-rejects' });
    expect(report.days).toMatchObject([{ day: '2025-03-02', status: 'loaded', rows: 3, rejectedRows: 2, reason: 'new' }]);
    expect(report.totals.skipped).toBe(2);
    expect(await warehouse(env, `SELECT id FROM ${rawTable(env, 'orders')} WHERE _day = '2025-03-02' ORDER BY id`))
      .toEqual([{ id: 3 }, { id: 5 }, { id: 7 }]);
    expect(await warehouse(env, 'SELECT day::VARCHAR AS day, source_key, row_number, column_name, reason, raw FROM s3bridge.rejects WHERE table_name = \'orders\' ORDER BY row_number')).toEqual([
      { day: '2025-03-02', source_key: 'orders/date=2025-03-02/part-0.csv', row_number: 3, column_name: 'amount',
        reason: 'Error when converting column "amount". Could not convert string "abc" to \'BIGINT\'', raw: '4,abc,d' },
      { day: '2025-03-02', source_key: 'orders/date=2025-03-02/part-0.csv', row_number: 5, column_name: null,
        reason: 'the line has 4 fields, the header has 3', raw: '6,60,f,extra' },
    ]);
  });

  it('fail-day on NDJSON names the key, the line and the column; skip-to-rejects keeps the raw line', async () => {
    const failed = await env.s3bridge.importTable({ connection: env.source(), table: 'signups', days: 'all' });
    expect(statuses(failed), JSON.stringify(failed.days)).toEqual([['2025-03-01', 'loaded', 2], ['2025-03-02', 'failed', 0]]);
    expect(failed.days[1]!.reason).toBe(`s3://${env.bucket}/signups/date=2025-03-02/part-0.ndjson line 2, column "age": cannot convert to BIGINT `
      + '(value "old"); fix the file, or import with errorPolicy "skip-to-rejects" to load the good rows and keep the bad ones in s3bridge.rejects');
    const skipped = await env.s3bridge.importTable({ connection: env.source(), table: 'signups', errorPolicy: 'skip-to-rejects' });
    expect(skipped.days).toMatchObject([{ day: '2025-03-02', status: 'loaded', rows: 1, rejectedRows: 1 }]);
    expect(await warehouse(env, "SELECT row_number, column_name, reason, raw FROM s3bridge.rejects WHERE table_name = 'signups'"))
      .toEqual([{ row_number: 2, column_name: 'age', reason: 'cannot convert to BIGINT', raw: '{"id":4,"age":"old"}' }]);
  });

  it('a corrupt file fails only its day, non-retryably, naming the key', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'visits', days: 'all' });
    expect(statuses(report)).toEqual([['2025-03-01', 'loaded', 5], ['2025-03-02', 'failed', 0], ['2025-03-03', 'loaded', 7]]);
    expect(report.days[1]!.reason).toMatch(new RegExp(`^s3://${env.bucket}/visits/date=2025-03-02/part-0\\.parquet cannot be read as parquet: .+; replace or remove the file, then re-run the import$`));
    const child = await env.temporal.workflow.getHandle(`${env.workflowIdPrefix}import-${env.source().name}-visits-2025-03-02`).describe();
    expect(child.status.name).toBe('FAILED');
    // Non-retryable: one attempt each (the Active check, then the load), no retries.
    const history = await env.temporal.workflow.getHandle(child.workflowId).fetchHistory();
    expect(history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt)).toEqual([1, 1]);
  });
});

describe('schema drift', () => {
  it('fail: the drifted day fails with the diff; evolve: the warehouse table gains the column', async () => {
    expect((await env.s3bridge.importTable({ connection: env.source(), table: 'drifty' })).totals.loaded).toBe(1);
    await putTable(env.s3, env.bucket, 'drifty/date=2025-04-02/part-0.parquet', "SELECT r AS id, 'm' AS name, (r * 1.5)::DOUBLE AS score FROM range(4) t(r)");
    const failed = await env.s3bridge.importTable({ connection: env.source(), table: 'drifty', driftPolicy: 'fail' });
    expect(failed.days).toMatchObject([{
      day: '2025-04-02', status: 'failed',
      reason: 'table "drifty" day 2025-04-02: schema drift: new column "score" DOUBLE (in drifty/date=2025-04-02/part-0.parquet); ' +
        're-run with driftPolicy "evolve" to follow it, or "wait" to hold it for approval',
    }]);
    const evolved = await env.s3bridge.importTable({ connection: env.source(), table: 'drifty', driftPolicy: 'evolve' });
    expect(evolved.days).toMatchObject([{ day: '2025-04-02', status: 'loaded', rows: 4, drift: 'new column "score" DOUBLE (in drifty/date=2025-04-02/part-0.parquet)' }]);
    expect(await warehouse(env, `SELECT _day::VARCHAR AS day, count(*) AS n, count(score) AS scored FROM ${rawTable(env, 'drifty')} GROUP BY 1 ORDER BY 1`))
      .toEqual([{ day: '2025-04-01', n: 3, scored: 0 }, { day: '2025-04-02', n: 4, scored: 4 }]);
  });

  it('wait: the drifted day waits for approveDrift, then loads with the change', async () => {
    await putTable(env.s3, env.bucket, 'drifty/date=2025-04-03/part-0.parquet', "SELECT 'x' || r AS id, 'k' AS name FROM range(2) t(r)");
    const handle = await env.s3bridge.startImport({ connection: env.source(), table: 'drifty', driftPolicy: 'wait' });
    const day = env.temporal.workflow.getHandle(`${env.workflowIdPrefix}import-${env.source().name}-drifty-2025-04-03`);
    let state = await day.query(importDayStateQuery).catch(() => undefined);
    while (state?.state !== 'waiting-for-drift-approval') {
      await new Promise((resolve) => setTimeout(resolve, 200));
      state = await day.query(importDayStateQuery).catch(() => undefined);
    }
    expect(state.drift).toContain('column "id" changed from BIGINT to VARCHAR');
    expect(await warehouse(env, `SELECT count(*) AS n FROM ${rawTable(env, 'drifty')} WHERE _day = '2025-04-03'`)).toEqual([{ n: 0 }]);
    // The CLI's `tables approve-drift`: records the approval in the catalog and signals the waiting day.
    const approval = await env.s3bridge.approveTableDrift({ connection: env.source().name, table: 'drifty' });
    expect(approval.drift.status).toBe('approved');
    expect(approval.signalled).toContain(day.workflowId);
    const report = await handle.result();
    expect(report.days).toMatchObject([{ day: '2025-04-03', status: 'loaded', rows: 2, reason: 'new; drift approved' }]);
    expect(await warehouse(env, `SELECT id FROM ${rawTable(env, 'drifty')} ORDER BY id`))
      .toEqual(['0', '1', '2', '0', '1', '2', '3', 'x0', 'x1'].sort().map((id) => ({ id })));
  });
});
