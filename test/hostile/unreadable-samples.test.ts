import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, putTable } from '../support/objects';
import { rawTable, warehouse } from '../import/fixtures';
import { catalogEntry } from './support';
import { dayWorkflowId } from '../../src/workflow-safe/workflow-ids';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv('hostile-unreadable');
  await putObject(env.s3, env.bucket, 'aaa/a-bad.parquet', 'this is not parquet at all');
  await putTable(env.s3, env.bucket, 'aaa/b-good.parquet', 'SELECT r AS id FROM range(4) t(r)');
  await putObject(env.s3, env.bucket, 'onlybad/x.parquet', 'PAR1 but not really');
  await putTable(env.s3, env.bucket, 'zzz/date=2025-07-01/part-0.parquet', 'SELECT r AS id FROM range(6) t(r)');
  await putObject(env.s3, env.bucket, 'zzz/date=2025-07-02/part-0.parquet', 'corrupt day');
  await putTable(env.s3, env.bucket, 'zzz/date=2025-07-03/part-0.parquet', 'SELECT r AS id FROM range(8) t(r)');
  await env.startWorker();
});
afterAll(async () => env?.close());

describe('one unreadable file never fails a whole connection', () => {
  it('validation reports the unreadable sample, reads the next one and marks the connection Active', async () => {
    const report = await env.s3bridge.validateConnection({ connection: env.source() });
    expect(report.status).toBe('active');
    const sample = report.checks.find((c) => c.check === 'sample-read')!;
    expect(sample.status).toBe('ok');
    expect(sample.detail).toContain(`DuckDB read s3://${env.bucket}/aaa/b-good.parquet as parquet`);
    expect(sample.detail).toContain(`could not read 1 other sample file: s3://${env.bucket}/aaa/a-bad.parquet: parquet:`);
  });

  it('discovery reports the unreadable file on its table, skips a table with nothing readable naming the file, and discovers the rest', async () => {
    const report = await env.s3bridge.discoverSchema({ connection: env.source() });
    expect(report.tablesDiscovered).toBe(2);
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0]!.name).toBe('onlybad');
    expect(report.skipped[0]!.reason).toMatch(/^unreadable: none of the 1 sampled files could be read \(x\.parquet: /);
    const aaa = await catalogEntry(env, 'aaa');
    expect(aaa.columns).toEqual([{ name: 'id', type: 'BIGINT' }]);
    expect(aaa.problems).toContainEqual(expect.objectContaining({ kind: 'unreadable-file', files: ['a-bad.parquet'] }));
    expect(report.tablesWithProblems).toContain('aaa');
  });

  it('a corrupt file fails only its day, once (not retried), naming the key; the other days load exactly', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'zzz', days: 'all' });
    expect(report.days.map((d) => [d.unit, d.status, d.rows])).toEqual([
      ['2025-07-01', 'loaded', 6], ['2025-07-02', 'failed', 0], ['2025-07-03', 'loaded', 8],
    ]);
    expect(report.days[1]!.reason).toContain(`s3://${env.bucket}/zzz/date=2025-07-02/part-0.parquet cannot be read as parquet`);
    expect(await warehouse(env, `SELECT _day::VARCHAR AS day, count(*) AS n FROM ${rawTable(env, 'zzz')} GROUP BY 1 ORDER BY 1`))
      .toEqual([{ day: '2025-07-01', n: 6 }, { day: '2025-07-03', n: 8 }]);
    const history = await env.temporal.workflow.getHandle(dayWorkflowId(env.source().name, 'zzz', '2025-07-02', env.workflowIdPrefix)).fetchHistory();
    const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
    // One attempt each: the day's Active check, then the load (not retried).
    expect(attempts).toEqual([1, 1]);
  });
});
