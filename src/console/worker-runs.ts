import type { WorkflowHandle } from '@temporalio/client';
import type { S3BridgeClient } from '../client/s3bridge-client';
import { hasLiveWorker } from '../client/task-queue-pollers';

/** No worker polls the task queue: reads of the warehouse (and actions that wait) cannot be answered. */
export class NoWorker extends Error {}

const WORKER_SEEN_MS = 10_000;
const WAIT_MS = 60_000;
const seen = new WeakMap<S3BridgeClient, number>();

/** Throws NoWorker, with what to do, unless a worker polled the task queue lately (checked at most every 10 s). */
export async function requireLiveWorker(client: S3BridgeClient): Promise<void> {
  const at = seen.get(client);
  if (at !== undefined && Date.now() - at < WORKER_SEEN_MS) return;
  if (!(await hasLiveWorker(client.temporal, client.settings.taskQueue))) {
    throw new NoWorker(`no worker polls task queue "${client.settings.taskQueue}": the warehouse is read through the worker; `
      + 'start one (`npm run worker`) and reload this page');
  }
  seen.set(client, Date.now());
}

/**
 * The result of a short run the worker executes for the console (a warehouse read, a reset): a
 * page never waits forever, and a read nobody answered is terminated instead of left queued.
 */
export async function awaitWorkerRun<R>(
  client: S3BridgeClient, handle: WorkflowHandle, { waitMs = WAIT_MS, terminateWhenLate = true } = {},
): Promise<R> {
  await requireLiveWorker(client);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoWorker(`${handle.workflowId} had no answer after ${waitMs / 1000} s; is the worker busy or stopped?`)), waitMs);
  });
  try {
    return await Promise.race([handle.result() as Promise<R>, late]);
  } catch (error) {
    if (error instanceof NoWorker && terminateWhenLate) await handle.terminate('the console stopped waiting').catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
