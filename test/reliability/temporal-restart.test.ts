import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, renderFile } from '../support/objects';
import { lineageTable, warehouse } from '../import/fixtures';
import { startPrivateTemporal, type PrivateService } from '../support/private-services';
import { until } from '../support/pending-activity';
import { writeReportRows, type ReportRow } from '../support/reliability-report';
import type { ImportReport } from '../../src/workflow-safe/import/import-input';

/**
 * A private Temporal dev server that keeps its state in a database file (never the shared one),
 * stopped and started again while an import runs: the run carries on and completes exactly once.
 */
let temporal: PrivateService;
let env: TestEnv;
const rows: ReportRow[] = [];
const DAYS = ['2025-07-01', '2025-07-02', '2025-07-03', '2025-07-04'];
const FILES = 20;

beforeAll(async () => {
  temporal = await startPrivateTemporal();
  env = await createTestEnv('temporal-restart', { temporalAddress: temporal.address });
  const part = await renderFile('SELECT r AS n FROM range(10) t(r)', 'parquet');
  await Promise.all(DAYS.flatMap((day) => Array.from({ length: FILES }, (_, i) =>
    putObject(env.s3, env.bucket, `events/date=${day}/part-${String(i).padStart(3, '0')}.parquet`, part))));
  await env.startWorker();
  expect((await env.s3bridge.validateConnection({ connection: env.source() })).status).toBe('active');
  await env.s3bridge.discoverSchema({ connection: env.source() });
});
afterAll(async () => {
  await env?.close();
  await temporal?.close();
  writeReportRows(__filename, rows);
});

/** The import's result, asked again while the server is away (the client's calls fail until it is back). */
async function resultAcrossRestart(workflowId: string): Promise<ImportReport> {
  for (;;) {
    try {
      return await env.temporal.workflow.getHandle<() => Promise<ImportReport>>(workflowId).result();
    } catch (error) {
      if (!/UNAVAILABLE|connect|ECONNREFUSED|Deadline|14 /i.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

describe('Temporal dev server restarted mid-import (--db-filename)', () => {
  it('the import continues after the restart and completes exactly once', async () => {
    const started = Date.now();
    const handle = await env.s3bridge.startImport({ connection: env.source(), table: 'events', days: 'all', concurrency: 1 });
    // The second day is loading: stop the server under the worker, keep it down 3 s, start it again.
    const second = env.temporal.workflow.getHandle(`${handle.workflowId}-${DAYS[1]}`);
    await until(async () => (await second.describe().catch(() => undefined))?.raw.pendingActivities?.length === 1);
    await temporal.stop();
    const stoppedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await temporal.start();
    const downFor = Date.now() - stoppedAt;
    const report = await resultAcrossRestart(handle.workflowId);

    const found = await warehouse<{ day: string; n: number; loads: number }>(env,
      `SELECT _day::VARCHAR AS day, count(*) AS n, count(DISTINCT _load_id) AS loads FROM ${lineageTable(env, 'events')} GROUP BY 1 ORDER BY 1`);
    const ledger = await warehouse<{ n: number }>(env, "SELECT count(*) AS n FROM s3bridge.load_ledger WHERE table_name = 'events'");
    const runs = (await env.temporal.workflow.count(`WorkflowId = "${handle.workflowId}"`)).count;
    const dayRuns = await Promise.all(DAYS.map(async (day) => (await env.temporal.workflow.count(`WorkflowId = "${handle.workflowId}-${day}"`)).count));
    rows.push({
      fault: 'Temporal dev server stopped (SIGTERM) mid-import, started again on the same database file',
      where: `importTable, ${DAYS.length} days of ${FILES} files one at a time, during day ${DAYS[1]}`,
      outcome: `${report.totals.loaded} loaded, ${report.totals.failed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s; server down ${(downFor / 1000).toFixed(1)} s; `
        + `runs: import ${runs}, days ${dayRuns.join('/')}; loads per day ${found.map((d) => d.loads).join('/')}; ledger entries ${ledger[0]?.n}`,
      rowsExpected: DAYS.length * FILES * 10, rowsFound: found.reduce((n, d) => n + d.n, 0),
    });
    expect(report.days.map((d) => [d.day, d.status, d.rows])).toEqual(DAYS.map((day) => [day, 'loaded', FILES * 10]));
    expect(found).toEqual(DAYS.map((day) => ({ day, n: FILES * 10, loads: 1 })));
    expect(runs).toBe(1);
    expect(ledger).toEqual([{ n: DAYS.length }]);
    expect(dayRuns).toEqual(DAYS.map(() => 1));
  });
});
