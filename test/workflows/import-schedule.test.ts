import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { discover, rawTable, warehouse } from '../import/fixtures';

let env: TestEnv;
let scheduleId: string | undefined;

beforeAll(async () => {
  env = await createTestEnv('import-schedule');
  await putTable(env.s3, env.bucket, 'daily/date=2025-07-01/part-0.parquet', 'SELECT r AS n FROM range(3) t(r)');
  await env.startWorker();
  await discover(env);
});
afterAll(async () => {
  if (scheduleId) await env.temporal.schedule.getHandle(scheduleId).delete().catch(() => undefined);
  await env?.close();
});

describe('scheduleImport', () => {
  it('creates a daily Schedule (no overlap, catch-up window) whose triggered run imports the new day', async () => {
    await env.s3bridge.importTable({ connection: env.source(), table: 'daily' });
    scheduleId = await env.s3bridge.scheduleImport({ import: { connection: env.source(), table: 'daily' }, hour: 3, minute: 15 });
    expect(scheduleId).toBe(`${env.workflowIdPrefix}import-${env.source().name}-daily`);
    const schedule = env.temporal.schedule.getHandle(scheduleId);
    const description = await schedule.describe();
    expect(description.spec.calendars).toMatchObject([{ hour: [{ start: 3, end: 3, step: 1 }], minute: [{ start: 15, end: 15, step: 1 }] }]);
    expect(description.policies).toMatchObject({ overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 86_400_000 });

    await putTable(env.s3, env.bucket, 'daily/date=2025-07-02/part-0.parquet', 'SELECT r AS n FROM range(5) t(r)');
    await schedule.trigger();
    let action = (await schedule.describe()).info.recentActions[0];
    while (!action) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      action = (await schedule.describe()).info.recentActions[0];
    }
    const report = await env.temporal.workflow.getHandle(action.action.workflow.workflowId, action.action.workflow.firstExecutionRunId).result();
    expect(report.days).toMatchObject([{ day: '2025-07-02', status: 'loaded', rows: 5, reason: 'new' }]);
    expect(report.totals).toMatchObject({ loaded: 1, skipped: 1 });
    expect(await warehouse(env, `SELECT _day::VARCHAR AS day, count(*) AS n FROM ${rawTable(env, 'daily')} GROUP BY 1 ORDER BY 1`))
      .toEqual([{ day: '2025-07-01', n: 3 }, { day: '2025-07-02', n: 5 }]);
  });
});
