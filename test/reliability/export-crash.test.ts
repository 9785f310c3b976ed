import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker';
import { activityAttempts } from '../support/pending-activity';
import { writeReportRows, type ReportRow } from '../support/reliability-report';
import { activeDestination, bucketKeys, destination, readMessages, seedBulkEvents } from '../export/fixtures';

/**
 * SIGKILL of the worker process while an export's multipart upload is open: a new worker retries
 * the window, aborts the orphaned upload and writes every event exactly once.
 */
let env: TestEnv;
let worker: WorkerProcess | undefined;
const ROWS = 70_000;
const rows: ReportRow[] = [];

// MinIO lists the uploads of one exact key only.
const KEY = `crash/segment-logs/events/${Date.parse('2025-09-01T00:00:00Z')}/s3bridge-20250901T04-0000.gz`;

async function openUploads(): Promise<number> {
  const page = await env.s3.send(new ListMultipartUploadsCommand({ Bucket: env.bucket, Prefix: KEY }));
  return page.Uploads?.length ?? 0;
}

beforeAll(async () => {
  env = await createTestEnv('export-crash');
  await seedBulkEvents(env, '2025-09-01T04:00:00Z', ROWS);
});
afterAll(async () => {
  await worker?.kill();
  writeReportRows(__filename, rows);
  await env?.close();
});

describe('exportTable survives a worker killed mid-upload', () => {
  it('SIGKILL while a multipart upload is open; the new worker aborts it and leaves one copy of every event', async () => {
    worker = await spawnWorker(env.settings);
    const dest = await activeDestination(env, destination(env, { name: `crash-${env.id}`, prefix: 'crash' }));
    const started = Date.now();
    const handle = await env.s3bridge.startExport({ destination: dest.name, windows: { from: '2025-09-01T04', to: '2025-09-01T05' } });
    // Wait until the batch's multipart upload is open, then kill the worker under it.
    const deadline = Date.now() + 120_000;
    while ((await openUploads()) === 0) {
      if (Date.now() > deadline) throw new Error('no multipart upload was seen');
    }
    await worker.kill();
    worker = undefined;
    const openAtKill = await openUploads();
    expect(openAtKill).toBe(1);

    await env.startWorker();
    const report = await handle.result();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const keys = await bucketKeys(env, env.bucket, 'crash/');
    const ids = (await readMessages(env, keys[0]!)).map((m) => m.messageId as string);
    const attempts = await activityAttempts(handle);
    const openAfter = await openUploads();
    rows.push({
      fault: 'worker SIGKILL during an export upload (multipart upload open)',
      where: 'exportTable, window 2025-09-01T04 (70,000 events, one gzipped batch)',
      outcome: `new worker finished in ${seconds} s: ${report.status}, the killed window's activity finished on attempt ${Math.max(...attempts)}; ${report.windows[0]!.abortedUploads} orphaned upload aborted; `
        + `open uploads ${openAtKill} at the kill, ${openAfter} after; objects ${keys.length}; duplicate message IDs ${ids.length - new Set(ids).size}`,
      rowsExpected: ROWS,
      rowsFound: new Set(ids).size,
    });

    expect(report).toMatchObject({ status: 'exported', totals: { windows: 1, rows: ROWS, files: 1 } });
    expect(report.windows[0]!.abortedUploads).toBe(1);
    expect(openAfter).toBe(0);
    expect(keys).toEqual(report.windows[0]!.keys);
    expect(ids).toHaveLength(ROWS);
    expect(new Set(ids).size).toBe(ROWS);
    // The window's export really was cut off: the attempt that finished is a retry.
    expect(attempts).toContain(2);
  });
});
