import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, renderFile } from '../support/objects';
import { discover, rawTable, warehouse } from '../import/fixtures';

let env: TestEnv;
const BIG = 120;

beforeAll(async () => {
  env = await createTestEnv('import-cancel');
  const part = await renderFile('SELECT r AS n FROM range(10) t(r)', 'parquet');
  await putObject(env.s3, env.bucket, 'logs/date=2025-08-01/part-0.parquet', part);
  for (let i = 0; i < BIG; i += 1) await putObject(env.s3, env.bucket, `logs/date=2025-08-02/part-${i}.parquet`, part);
  await putObject(env.s3, env.bucket, 'logs/date=2025-08-03/part-0.parquet', part);
  await env.startWorker();
  await discover(env);
});
afterAll(async () => env?.close());

const expectedRows: Record<string, number> = { '2025-08-01': 10, '2025-08-02': 10 * BIG, '2025-08-03': 10 };

describe('cancelling an import', () => {
  it('leaves every day either fully loaded or untouched, and a re-run completes it', async () => {
    const handle = await env.s3bridge.startImport({ connection: env.source(), table: 'logs', days: 'all', concurrency: 1 });
    const bigDay = env.temporal.workflow.getHandle(`${env.workflowIdPrefix}import-${env.source().name}-logs-2025-08-02`);
    for (;;) {
      const described = await bigDay.describe().catch(() => undefined);
      if (described?.raw.pendingActivities?.some((a) => a.heartbeatDetails?.payloads?.length)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await handle.cancel();
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);

    const counts = await warehouse<{ day: string; n: number }>(env, `SELECT _day::VARCHAR AS day, count(*) AS n FROM ${rawTable(env, 'logs')} GROUP BY 1`);
    const ledger = await warehouse<{ day: string; rows: number }>(env, 'SELECT day::VARCHAR AS day, row_count AS rows FROM s3bridge.load_ledger');
    // Each day holds all its rows or none, and the ledger records exactly the days that hold rows.
    for (const { day, n } of counts) expect(n).toBe(expectedRows[day]);
    expect(Object.fromEntries(ledger.map((l) => [l.day, l.rows]))).toEqual(Object.fromEntries(counts.map((c) => [c.day, c.n])));
    expect(counts.map((c) => c.day)).toContain('2025-08-01');
    expect(counts.map((c) => c.day)).not.toContain('2025-08-03');

    const rerun = await env.s3bridge.importTable({ connection: env.source(), table: 'logs' });
    expect(rerun.totals.failed).toBe(0);
    const after = await warehouse<{ day: string; n: number }>(env, `SELECT _day::VARCHAR AS day, count(*) AS n FROM ${rawTable(env, 'logs')} GROUP BY 1 ORDER BY 1`);
    expect(Object.fromEntries(after.map((c) => [c.day, c.n]))).toEqual(expectedRows);
  });
});
