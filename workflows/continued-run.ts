import { workflowInfo } from '@temporalio/workflow';

/**
 * Whether this run is one the workflow itself continued as new, so the state in its arguments
 * came from its own previous run. Temporal also sets continuedFromExecutionRunId on a workflow's
 * retries and cron runs, which get the first start's arguments again: a start with forged state
 * plus a retry policy or a cron schedule must not get it accepted, so those never count.
 */
export function isOwnContinuation(): boolean {
  const info = workflowInfo();
  return info.continuedFromExecutionRunId !== undefined && info.attempt === 1 && !info.cronSchedule;
}
