import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { activeDestination, bucketKeys, destination, readMessages, seedBulkEvents } from '../export/fixtures';

let env: TestEnv;
let child: ChildProcess | undefined;
const ROWS = 70_000;

/** Starts a worker in a child process with the test's settings and waits until it polls. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const root = path.resolve(__dirname, '../..');
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/support/worker-process.ts')], {
    cwd: root,
    env: { ...process.env, S3BRIDGE_TEST_WORKER: JSON.stringify({ settings: env.settings, workflowBundlePath: inject('workflowBundlePath') }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); });
    proc.on('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
  });
  return proc;
}

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
  child?.kill('SIGKILL');
  await env?.close();
});

describe('exportTable survives a worker killed mid-upload', () => {
  it('SIGKILL while a multipart upload is open; the restarted worker aborts it and leaves one copy of every event', async () => {
    child = await startWorkerProcess();
    const dest = await activeDestination(env, destination(env, { name: `crash-${env.id}`, prefix: 'crash' }));
    const handle = await env.s3bridge.startExport({ destination: dest.name, windows: { from: '2025-09-01T04', to: '2025-09-01T05' } });
    // Wait until the batch's multipart upload is open, then kill the worker under it.
    const deadline = Date.now() + 120_000;
    while ((await openUploads()) === 0) {
      if (Date.now() > deadline) throw new Error('no multipart upload was seen');
    }
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    child = undefined;
    expect(await openUploads()).toBe(1);

    await env.startWorker();
    const report = await handle.result();
    expect(report).toMatchObject({ status: 'exported', totals: { windows: 1, rows: ROWS, files: 1 } });
    expect(report.windows[0]!.abortedUploads).toBe(1);
    expect(await openUploads()).toBe(0);
    const keys = await bucketKeys(env, env.bucket, 'crash/');
    expect(keys).toEqual(report.windows[0]!.keys);
    const ids = (await readMessages(env, keys[0]!)).map((m) => m.messageId as string);
    expect(ids).toHaveLength(ROWS);
    expect(new Set(ids).size).toBe(ROWS);
    // The window's export really was cut off: the attempt that finished is a retry.
    const history = await handle.fetchHistory();
    const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes && e.activityTaskStartedEventAttributes.attempt! >= 1)
      .map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toContain(2);
  });
});
