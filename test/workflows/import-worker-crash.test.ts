import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, renderFile } from '../support/objects';
import { discover, lineageTable, warehouse } from '../import/fixtures';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker';

let env: TestEnv;
let child: WorkerProcess | undefined;
const FILES_ON_BIG_DAY = 150;

beforeAll(async () => {
  env = await createTestEnv('import-crash');
  const part = await renderFile('SELECT r AS n FROM range(10) t(r)', 'parquet');
  await putObject(env.s3, env.bucket, 'logs/date=2025-06-01/part-0.parquet', part);
  for (let i = 0; i < FILES_ON_BIG_DAY; i += 1) {
    await putObject(env.s3, env.bucket, `logs/date=2025-06-02/part-${String(i).padStart(3, '0')}.parquet`, part);
  }
  await putObject(env.s3, env.bucket, 'logs/date=2025-06-03/part-0.parquet', part);
});
afterAll(async () => {
  await child?.kill();
  await env?.close();
});

describe('importTable survives a worker killed mid-day', () => {
  it('SIGKILL of the worker process while a day loads; a new worker finishes with exact counts', async () => {
    child = await spawnWorker(env.settings);
    await discover(env);
    const handle = await env.s3bridge.startImport({ connection: env.source(), table: 'logs', days: 'all', concurrency: 1 });
    const bigDay = env.temporal.workflow.getHandle(`${env.workflowIdPrefix}import-${env.source().name}-logs-2025-06-02`);
    // Wait until the big day's load has started and heartbeated, then kill the worker under it.
    for (;;) {
      const described = await bigDay.describe().catch(() => undefined);
      const activity = described?.raw.pendingActivities?.find((a) => a.activityType?.name === 'loadDayPartition');
      if (activity?.heartbeatDetails?.payloads?.length) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await child.kill();
    child = undefined;

    await env.startWorker();
    const report = await handle.result();
    expect(report.days.map((d) => [d.day, d.status, d.rows, d.files])).toEqual([
      ['2025-06-01', 'loaded', 10, 1],
      ['2025-06-02', 'loaded', 10 * FILES_ON_BIG_DAY, FILES_ON_BIG_DAY],
      ['2025-06-03', 'loaded', 10, 1],
    ]);
    expect(await warehouse(env, `SELECT _day::VARCHAR AS day, count(*) AS n, count(DISTINCT _load_id) AS loads FROM ${lineageTable(env, 'logs')} GROUP BY 1 ORDER BY 1`)).toEqual([
      { day: '2025-06-01', n: 10, loads: 1 },
      { day: '2025-06-02', n: 10 * FILES_ON_BIG_DAY, loads: 1 },
      { day: '2025-06-03', n: 10, loads: 1 },
    ]);
    // The big day's load really was cut off: after the day's Active check (one attempt), the load that finished is a retry.
    const history = await bigDay.fetchHistory();
    const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toEqual([1, 2]);
  });
});
