import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import {
  QueryWarehouseInput, RemoveConnectionInput, ResetTableInput,
} from '../workflow-safe/inputs/warehouse-maintenance-input';
import { queryWarehouse, removeConnection, resetTable } from '../../workflows';
import type { S3BridgeClient } from './s3bridge-client';
import { queryWorkflowId, removeConnectionWorkflowId, resetTableWorkflowId } from '../workflow-safe/workflow-ids';

/**
 * Reads and maintenance of the warehouse go through the worker, the one process that opens the
 * DuckDB file for writing: a CLI beside a running worker (or on another machine) never touches it.
 */
export async function startQueryWarehouse(client: S3BridgeClient, input: QueryWarehouseInput): Promise<WorkflowHandle<typeof queryWarehouse>> {
  const parsed = QueryWarehouseInput.parse(input);
  return client.temporal.workflow.start(queryWarehouse, {
    taskQueue: client.settings.taskQueue,
    workflowId: queryWorkflowId(randomUUID().slice(0, 8), client.workflowIdPrefix),
    args: [parsed],
    staticSummary: 'read-only warehouse query (s3bridge sql)',
  });
}

export async function startResetTable(client: S3BridgeClient, input: ResetTableInput): Promise<WorkflowHandle<typeof resetTable>> {
  const parsed = ResetTableInput.parse(input);
  return client.temporal.workflow.start(resetTable, {
    taskQueue: client.settings.taskQueue,
    workflowId: resetTableWorkflowId(parsed.connection, parsed.table, randomUUID().slice(0, 8), client.workflowIdPrefix),
    args: [parsed],
    staticSummary: `forget the imports of ${parsed.connection}/${parsed.table}`,
  });
}

export async function startRemoveConnection(client: S3BridgeClient, input: RemoveConnectionInput): Promise<WorkflowHandle<typeof removeConnection>> {
  const parsed = RemoveConnectionInput.parse(input);
  return client.temporal.workflow.start(removeConnection, {
    taskQueue: client.settings.taskQueue,
    workflowId: removeConnectionWorkflowId(parsed.connection, randomUUID().slice(0, 8), client.workflowIdPrefix),
    args: [parsed],
    staticSummary: `remove connection ${parsed.connection}`,
  });
}
