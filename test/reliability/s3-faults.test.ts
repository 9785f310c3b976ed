import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, renderFile } from '../support/objects';
import { lineageTable, warehouse } from '../import/fixtures';
import { startPrivateMinio, startToxiproxy, type PrivateService, type Toxiproxy } from '../support/private-services';
import { activityAttempts, until } from '../support/pending-activity';
import { writeReportRows, type ReportRow } from '../support/reliability-report';
import type { ImportReport } from '../../src/workflow-safe/import/import-input';
import { dayWorkflowId } from '../../src/workflow-safe/workflow-ids';

/**
 * S3 outages and a bad network, on a private MinIO behind a private toxiproxy (never the shared
 * MinIO): the worker reaches S3 only through the proxy, so every toxic hits its SDK and DuckDB reads.
 */
let minio: PrivateService;
let proxy: Toxiproxy;
let env: TestEnv;
const rows: ReportRow[] = [];
const ROWS = 10;

beforeAll(async () => {
  minio = await startPrivateMinio();
  proxy = await startToxiproxy(minio.address);
  env = await createTestEnv('s3-faults', { s3Endpoint: minio.address, localS3Endpoints: [proxy.endpoint] });
  const small = await renderFile(`SELECT r AS n, md5(r::VARCHAR) AS h FROM range(${ROWS}) t(r)`, 'parquet');
  // About 200 KB that does not compress: slow enough to cut mid-download through a throttled proxy.
  const big = await renderFile('SELECT r AS n, md5(r::VARCHAR) || md5((r + 1)::VARCHAR) AS h FROM range(3000) t(r)', 'parquet');
  const puts: Promise<void>[] = [];
  for (const day of ['2025-06-01', '2025-06-02', '2025-06-03']) {
    puts.push(putObject(env.s3, env.bucket, `latency/date=${day}/part-0.parquet`, small));
    puts.push(putObject(env.s3, env.bucket, `outage/date=${day}/part-0.parquet`, small));
    for (const table of ['reset', 'timeout']) puts.push(putObject(env.s3, env.bucket, `${table}/date=${day}/part-0.parquet`, big));
  }
  for (let i = 0; i < 40; i += 1) puts.push(putObject(env.s3, env.bucket, `outage/date=2025-06-02/part-${String(i + 1).padStart(3, '0')}.parquet`, small));
  puts.push(putObject(env.s3, env.bucket, 'bandwidth/date=2025-06-01/part-0.parquet', big));
  await Promise.all(puts);
  await env.startWorker();
  expect((await env.s3bridge.validateConnection({ connection: proxied() })).status).toBe('active');
  expect((await env.s3bridge.discoverSchema({ connection: proxied() })).tablesDiscovered).toBe(5);
});
afterAll(async () => {
  await env?.close();
  await proxy?.close();
  await minio?.close();
  writeReportRows(__filename, rows);
});

/** The test's connection, through the proxy. */
const proxied = () => env.source({ endpoint: proxy.endpoint });

async function dayCounts(table: string) {
  return warehouse<{ day: string; n: number; loads: number }>(env,
    `SELECT _day::VARCHAR AS day, count(*) AS n, count(DISTINCT _load_id) AS loads FROM ${lineageTable(env, table)} GROUP BY 1 ORDER BY 1`);
}

/** Attempts of every day's load activity, by day. */
async function loadAttempts(table: string, report: ImportReport): Promise<string> {
  const parts: string[] = [];
  for (const day of report.days) {
    const attempts = await activityAttempts(env.temporal.workflow.getHandle(dayWorkflowId(env.source().name, table, day.unit, env.workflowIdPrefix)), 'loadDayPartition');
    parts.push(`${day.day?.slice(5)}: attempt ${attempts.join(',')}`);
  }
  return parts.join('; ');
}

async function record(fault: string, where: string, table: string, expected: { day: string; n: number }[], report: ImportReport, started: number, note = '') {
  const found = await dayCounts(table);
  // Nothing half-written: no staging folder outlives its load.
  const staging = path.join(env.settings.dataDir, 'staging');
  const leftovers = existsSync(staging) ? readdirSync(staging).length : 0;
  const total = (list: { n: number }[]) => list.reduce((n, d) => n + d.n, 0);
  rows.push({
    fault, where,
    outcome: `${report.totals.loaded} loaded, ${report.totals.failed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s (${await loadAttempts(table, report)})${note}; loads per day ${found.map((d) => d.loads).join('/')}; staging folders left ${leftovers}`,
    rowsExpected: total(expected), rowsFound: total(found),
  });
  expect(found).toEqual(expected.map((d) => ({ ...d, loads: 1 })));
  expect(report.totals.failed).toBe(0);
  expect(leftovers).toBe(0);
}

/**
 * Starts a 3-day import, waits until every day's load activity runs (the downloads are under
 * way), applies the toxics for 8 s, removes them, and returns the report once the import ends.
 */
async function faultWhileDaysLoad(table: string, toxics: Parameters<Toxiproxy['addToxic']>[0][]) {
  const started = Date.now();
  const handle = await env.s3bridge.startImport({ connection: proxied(), table, days: 'all', concurrency: 3 });
  const days = ['2025-06-01', '2025-06-02', '2025-06-03'].map((day) => env.temporal.workflow.getHandle(dayWorkflowId(env.source().name, table, day, env.workflowIdPrefix)));
  await until(async () => {
    const loading = await Promise.all(days.map(async (d) => (await d.describe().catch(() => undefined))?.raw.pendingActivities?.length === 1));
    return loading.every(Boolean);
  });
  for (const toxic of toxics) await proxy.addToxic(toxic);
  await new Promise((resolve) => setTimeout(resolve, 8_000));
  for (const toxic of toxics) await proxy.removeToxic(toxic.name);
  const report = await handle.result();
  return { report, started, note: '; toxics on for 8 s once all 3 loads ran' };
}

const threeDays = (n: number) => ['2025-06-01', '2025-06-02', '2025-06-03'].map((day) => ({ day, n }));

describe('S3 outage and a bad network between the worker and S3', () => {
  it('MinIO stopped mid-import and started again: the day load retries with backoff and the import completes', async () => {
    const started = Date.now();
    const handle = await env.s3bridge.startImport({ connection: proxied(), table: 'outage', days: 'all', concurrency: 1 });
    const bigDay = env.temporal.workflow.getHandle(dayWorkflowId(env.source().name, 'outage', '2025-06-02', env.workflowIdPrefix));
    // The 41-file day has started loading: stop MinIO under it, keep it down 4 s, start it again.
    await until(async () => (await bigDay.describe().catch(() => undefined))?.raw.pendingActivities?.some((a) => a.activityType?.name === 'loadDayPartition'));
    await minio.stop('SIGKILL');
    const downAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await minio.start();
    const downFor = Date.now() - downAt;
    const report = await handle.result();
    const attempts = await activityAttempts(bigDay, 'loadDayPartition');
    await record('MinIO killed mid-import, restarted 4 s later', 'importTable outage, during day 2025-06-02 (41 files)', 'outage',
      [{ day: '2025-06-01', n: ROWS }, { day: '2025-06-02', n: 41 * ROWS }, { day: '2025-06-03', n: ROWS }], report, started,
      `; MinIO down ${(downFor / 1000).toFixed(1)} s`);
    expect(attempts.at(-1)).toBeGreaterThanOrEqual(2);
  });

  it('200 ms latency on every packet from S3: the import completes, one attempt per day', async () => {
    await proxy.addToxic({ name: 'latency', type: 'latency', attributes: { latency: 200, jitter: 50 } });
    const started = Date.now();
    try {
      const report = await env.s3bridge.importTable({ connection: proxied(), table: 'latency', days: 'all', concurrency: 3 });
      await record('latency 200 ms (jitter 50 ms) on S3 responses', 'importTable latency, 3 days at once', 'latency', threeDays(ROWS), report, started);
      expect(await loadAttempts('latency', report)).not.toMatch(/attempt \d*,|attempt [2-9]/);
    } finally {
      await proxy.removeToxic('latency');
    }
  });

  it('bandwidth limited to 16 KB/s: a download slower than the heartbeat interval stays alive on heartbeats, one attempt', async () => {
    await proxy.addToxic({ name: 'slow', type: 'bandwidth', attributes: { rate: 16 } });
    const started = Date.now();
    try {
      const report = await env.s3bridge.importTable({ connection: proxied(), table: 'bandwidth', days: 'all' });
      await record('bandwidth 16 KB/s from S3', 'importTable bandwidth, one day of one 200 KB file', 'bandwidth', [{ day: '2025-06-01', n: 3000 }], report, started);
      expect(report.days[0]!.durationMs).toBeGreaterThan(5_000); // longer than the 5 s heartbeat timer
      expect(await loadAttempts('bandwidth', report)).toBe('06-01: attempt 1');
    } finally {
      await proxy.removeToxic('slow');
    }
  });

  it('connections reset mid-download for 8 s: day loads fail, retry with backoff and converge; nothing half-written', async () => {
    // Throttled to 32 KB/s a 200 KB download takes about 6 s; the proxy resets every connection 1 s in.
    const { report, started, note } = await faultWhileDaysLoad('reset', [
      { name: 'slow', type: 'bandwidth', attributes: { rate: 32 } },
      { name: 'reset', type: 'reset_peer', attributes: { timeout: 1000 } },
    ]);
    await record('connections reset by peer 1 s into every download, for 8 s', 'importTable reset, while its 3 days load (200 KB files, 32 KB/s)', 'reset', threeDays(3000), report, started, note);
  });

  it('a proxy timeout shorter than the request (data stalled, closed after 1 s) for 8 s: requests fail, retries converge', async () => {
    const { report, started, note } = await faultWhileDaysLoad('timeout', [
      { name: 'slow', type: 'bandwidth', attributes: { rate: 32 } },
      { name: 'stall', type: 'timeout', attributes: { timeout: 1000 } },
    ]);
    await record('proxy timeout: no data passes, connection closed after 1 s, for 8 s', 'importTable timeout, while its 3 days load (200 KB files, 32 KB/s)', 'timeout', threeDays(3000), report, started, note);
  });
});
