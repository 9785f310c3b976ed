import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { parseWorkflowInput } from '../src/workflow-safe/input-errors';
import {
  QueryWarehouseInput, RemoveConnectionInput, ResetTableInput,
  type QueryWarehouseResult, type RemoveConnectionResult, type ResetTableResult,
} from '../src/workflow-safe/inputs/warehouse-maintenance-input';
import { shortCall } from './activity-options';
import { tagRun } from './run-attributes';

// A maintenance transaction is not retried blindly; a refused or failed query fails at once.
const { resetTableImports, removeStoredConnection } = proxyActivities<Activities>({
  ...shortCall, startToCloseTimeout: '10 minutes', retry: { ...shortCall.retry, maximumAttempts: 3 },
});
// A query is never run twice: one that took its worker down (its memory) would take the next one down too.
const { queryWarehouse: runQuery } = proxyActivities<Activities>({
  ...shortCall, startToCloseTimeout: '10 minutes', retry: { ...shortCall.retry, maximumAttempts: 1 },
});

/** Runs one read-only SELECT against the warehouse on the worker that owns the file (`s3bridge sql`). */
export async function queryWarehouse(rawInput: QueryWarehouseInput): Promise<QueryWarehouseResult> {
  const input = parseWorkflowInput(QueryWarehouseInput, rawInput, 'queryWarehouse');
  return runQuery(input);
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
