import { ActivityFailure, ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { parseWorkflowInput } from '../src/workflow-safe/input-errors';
import {
  QueryWarehouseInput, RemoveConnectionInput, ResetTableInput,
  type QueryWarehouseResult, type RemoveConnectionResult, type ResetTableResult,
} from '../src/workflow-safe/inputs/warehouse-maintenance-input';
import { QUERY_BUSY } from '../src/workflow-safe/failure-types';
import { shortCall } from './activity-options';
import { tagRun } from './run-attributes';

// A maintenance step is one transaction: a retry after a crash redoes it whole (at most three attempts).
const { resetTableImports, removeStoredConnection } = proxyActivities<Activities>({
  ...shortCall, startToCloseTimeout: '10 minutes', retry: { ...shortCall.retry, maximumAttempts: 3 },
});
// A query is never run twice: one that took its worker down (its memory) would take the next one down too.
const { queryWarehouse: runQuery } = proxyActivities<Activities>({
  ...shortCall, startToCloseTimeout: '10 minutes', retry: { ...shortCall.retry, maximumAttempts: 1 },
});

/** How long a query waits, in all, for one of its worker's query places (see QUERY_BUSY). */
const QUERY_WAIT_SECONDS = 60;

/**
 * Runs one read-only SELECT against the warehouse on the worker that owns the file (`s3bridge sql`).
 * A worker refuses a query past its few places at once (QueryBusy); the wait for one is here, on
 * Temporal timers, so a queue of queries holds no activity slot an import could use.
 */
export async function queryWarehouse(rawInput: QueryWarehouseInput): Promise<QueryWarehouseResult> {
  const input = parseWorkflowInput(QueryWarehouseInput, rawInput, 'queryWarehouse');
  let waited = 0;
  for (let pause = 500; ; pause = Math.min(pause * 2, 5_000)) {
    try {
      return await runQuery(input);
    } catch (error) {
      if (!isQueryBusy(error)) throw error;
      if (waited >= QUERY_WAIT_SECONDS * 1000) {
        throw ApplicationFailure.create({
          type: QUERY_BUSY, nonRetryable: true,
          message: `the worker kept running as many s3bridge sql queries as it runs at once for ${QUERY_WAIT_SECONDS} s (so imports keep their activity slots): try again when they have finished`,
        });
      }
      await sleep(pause);
      waited += pause;
    }
  }
}

function isQueryBusy(error: unknown): boolean {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === QUERY_BUSY;
}

/** Forgets a table's imports so the next import loads every day again (`s3bridge tables reset`). */
export async function resetTable(rawInput: ResetTableInput): Promise<ResetTableResult> {
  const input = parseWorkflowInput(ResetTableInput, rawInput, 'resetTable');
  tagRun({ connection: input.connection, table: input.table, kind: 'maintenance' });
  return resetTableImports(input);
}

/** Removes a stored connection from the catalog (`s3bridge connections remove`). */
export async function removeConnection(rawInput: RemoveConnectionInput): Promise<RemoveConnectionResult> {
  const input = parseWorkflowInput(RemoveConnectionInput, rawInput, 'removeConnection');
  tagRun({ connection: input.connection, kind: 'maintenance' });
  return removeStoredConnection(input);
}
