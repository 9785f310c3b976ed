import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo, type WorkflowHandle } from '@temporalio/client';
import type { ImportProgress } from '../workflow-safe/import/import-progress';
import {
  S3BRIDGE_CONNECTION, S3BRIDGE_FAILED_DAYS, S3BRIDGE_KIND, S3BRIDGE_TABLE,
} from '../workflow-safe/observability/search-attributes';
import { exportProgressQuery, importProgressQuery } from '../../workflows/definitions';
import type { ExportProgress } from '../workflow-safe/export/export-input';

/** A run as `status`, `watch` and `runs` show it. */
export interface RunView {
  workflowId: string;
  runId: string;
  workflowType: string;
  status: string;
  startTime: string;
  closeTime?: string;
  connection?: string;
  table?: string;
  kind?: string;
  failedDays?: number;
}

export class RunMissing extends Error {}

/** The Temporal UI page of a run. */
export function runUrl(uiUrl: string, namespace: string, workflowId: string): string {
  return `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

function runView(info: Omit<WorkflowExecutionInfo, 'raw'>): RunView {
  const attributes = info.typedSearchAttributes;
  const connection = attributes.get(S3BRIDGE_CONNECTION);
  const table = attributes.get(S3BRIDGE_TABLE);
  const kind = attributes.get(S3BRIDGE_KIND);
  const failedDays = attributes.get(S3BRIDGE_FAILED_DAYS);
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    workflowType: info.type,
    status: info.status.name,
    startTime: info.startTime.toISOString(),
    ...(info.closeTime ? { closeTime: info.closeTime.toISOString() } : {}),
    ...(connection !== undefined ? { connection } : {}),
    ...(table !== undefined ? { table } : {}),
    ...(kind !== undefined ? { kind } : {}),
    ...(failedDays !== undefined ? { failedDays } : {}),
  };
}

/** The latest run with this workflow ID; a missing one becomes RunMissing with a readable message. */
export async function describeRun(client: Client, workflowId: string): Promise<RunView> {
  try {
    return runView(await client.workflow.getHandle(workflowId).describe());
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new RunMissing(`no run with workflow ID "${workflowId}"; \`s3bridge runs\` lists them`);
    throw error;
  }
}

/** A running import's progress (undefined for other runs or when the query is not answered). */
export async function queryImportProgress(handle: Pick<WorkflowHandle, 'query'>): Promise<ImportProgress | undefined> {
  return handle.query(importProgressQuery).catch(() => undefined);
}

/** A running export's progress (undefined for other runs or when the query is not answered). */
export async function queryExportProgress(handle: Pick<WorkflowHandle, 'query'>): Promise<ExportProgress | undefined> {
  return handle.query(exportProgressQuery).catch(() => undefined);
}

/** Requests cancellation of a run (an import stops between days; committed days stay). */
export async function cancelRun(client: Client, workflowId: string): Promise<RunView> {
  const run = await describeRun(client, workflowId);
  if (run.status !== 'RUNNING') return run;
  await client.workflow.getHandle(workflowId).cancel();
  return { ...run, status: 'CANCEL_REQUESTED' };
}

/** A visibility query over s3bridge's search attributes, e.g. `S3bridgeConnection = "shop" AND S3bridgeTable = "events"`. */
export function runsQuery(filter: { connection?: string; table?: string; kind?: string; status?: string; failed?: boolean }): string {
  const parts = [
    filter.connection !== undefined ? `${S3BRIDGE_CONNECTION.name} = ${JSON.stringify(filter.connection)}` : undefined,
    filter.table !== undefined ? `${S3BRIDGE_TABLE.name} = ${JSON.stringify(filter.table)}` : undefined,
    filter.kind !== undefined ? `${S3BRIDGE_KIND.name} = ${JSON.stringify(filter.kind)}` : `${S3BRIDGE_KIND.name} IS NOT NULL`,
    filter.status !== undefined ? `ExecutionStatus = ${JSON.stringify(filter.status)}` : undefined,
    filter.failed ? `${S3BRIDGE_FAILED_DAYS.name} > 0` : undefined,
  ];
  return parts.filter(Boolean).join(' AND ');
}

/** s3bridge's runs matching the filter, newest first. */
export async function listRuns(client: Client, query: string, limit: number): Promise<RunView[]> {
  const runs: RunView[] = [];
  for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
    runs.push(runView(info));
    if (runs.length >= limit) break;
  }
  return runs;
}
