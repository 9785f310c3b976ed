import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { spawnWorkerProcess, type WorkerProcess } from '../support/spawn-worker';
import { createWorker } from '../../src/worker/create-worker';

let env: TestEnv;
let first: WorkerProcess | undefined;

beforeAll(async () => {
  env = await createTestEnv('worker-lock');
});
afterAll(async () => {
  await first?.kill();
  await env?.close();
});

describe('the embedded setup runs one worker', () => {
  it('refuses a second worker process on the same data dir, naming the shared setup; takes over after the first dies', async () => {
    first = await spawnWorkerProcess(env.settings, inject('workflowBundlePath'));
    const pid = first.proc.pid!;
    await expect(createWorker({ settings: env.settings, workflowBundlePath: inject('workflowBundlePath') })).rejects.toThrow(
      `another s3bridge worker (pid ${pid}) already runs on ${env.settings.dataDir}: the embedded setup (one DuckDB file, locked by its writer) `
      + 'allows one worker. To run several, set S3BRIDGE_STORE=shared with S3BRIDGE_POSTGRES_URL and S3BRIDGE_LAKE_DATA_PATH (docs/scaling-out.md).');
    await first.kill();
    first = undefined;
    const { worker, nativeConnection, release } = await createWorker({ settings: env.settings, workflowBundlePath: inject('workflowBundlePath') });
    await worker.runUntil(() => Promise.resolve());
    await release();
    await nativeConnection.close();
    expect(worker.getState()).toBe('STOPPED');
  });
});
