import type { Client } from '@temporalio/client';

/** A poller seen within this window counts as a live worker (workers long-poll about once a minute). */
const LIVE_WITHIN_MS = 2 * 60_000;
// temporal.api.enums.v1 values (TASK_QUEUE_KIND_NORMAL, TASK_QUEUE_TYPE_WORKFLOW); @temporalio/proto is not a direct dependency.
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

/**
 * Whether a worker polls the task queue (DescribeTaskQueue's pollers), so a command can say
 * "no worker" instead of waiting forever for a run nobody picks up.
 */
export async function hasLiveWorker(client: Client, taskQueue: string): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
    taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
  });
  const now = Date.now();
  return (response.pollers ?? []).some((p) => {
    const seconds = Number(p.lastAccessTime?.seconds ?? 0);
    return seconds === 0 || now - seconds * 1000 < LIVE_WITHIN_MS;
  });
}
