import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { listRuns, queryExportProgress, queryImportProgress, runsQuery, type RunView } from '../client/run-control';
import type { S3BridgeClient } from '../client/s3bridge-client';
import { rootCause } from '../cli/describe-error';
import type { ExportProgress, ExportReport } from '../workflow-safe/export/export-input';
import type { MigrationReport } from '../workflow-safe/export/migration';
import type { ImportDayInput, ImportReport } from '../workflow-safe/import/import-input';
import type { ImportProgress } from '../workflow-safe/import/import-progress';
import type { ValidationReport } from '../workflow-safe/validation/validation-report';
import { unitOfDayWorkflowId } from '../workflow-safe/workflow-ids';
import { S3BRIDGE_KIND } from '../workflow-safe/observability/search-attributes';
import { importDayStateQuery, migrationStateQuery } from '../../workflows/definitions';

/**
 * What the console reads from Temporal: runs found by s3bridge's search attributes (Temporal's
 * visibility), their live state by the workflows' own queries, and the reports and failures of
 * finished runs from their histories. Outcomes the warehouse does not record (a failed day, a
 * day waiting for a drift approval, a failed export window) live here.
 */

/**
 * s3bridge's runs on this console's task queue (and under its workflow-ID prefix, if any), so a
 * namespace shared with other deployments shows only this one's runs.
 */
function ours(client: S3BridgeClient, query: string): string {
  const prefix = client.workflowIdPrefix ? ` AND WorkflowId STARTS_WITH ${JSON.stringify(client.workflowIdPrefix)}` : '';
  return `${query} AND TaskQueue = ${JSON.stringify(client.settings.taskQueue)}${prefix}`;
}

const QUERY_WAIT_MS = 5_000;

/** A workflow query that gives up after a few seconds (a run whose worker is gone would hold the page). */
function quickQuery<R>(ask: () => Promise<R>): Promise<R | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), QUERY_WAIT_MS); });
  return Promise.race([ask().catch(() => undefined), late]).finally(() => clearTimeout(timer));
}

/** The latest run of each day of a table's imports (its `importDay` workflows), by unit. */
export async function dayRuns(client: S3BridgeClient, connection: string, table: string, limit = 2000): Promise<Map<string, RunView>> {
  const runs = await listRuns(client.temporal, ours(client, runsQuery({ connection, table, kind: 'import-day' })), limit);
  const byUnit = new Map<string, RunView>();
  // Newest first: the first run seen of a unit is its latest.
  for (const run of runs) {
    const unit = unitOfDayWorkflowId(run.workflowId, connection, table);
    if (unit !== undefined && !byUnit.has(unit)) byUnit.set(unit, run);
  }
  return byUnit;
}

/** A finished import's report: its result, or (with failOnFailedDays) the report its failure carries. */
async function importReportOf(temporal: Client, run: RunView): Promise<ImportReport | undefined> {
  try {
    return await temporal.workflow.getHandle(run.workflowId, run.runId, { followRuns: false }).result() as ImportReport;
  } catch (error) {
    const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
    const report = cause instanceof ApplicationFailure ? cause.details?.[0] as ImportReport | undefined : undefined;
    return report && Array.isArray(report.days) ? report : undefined;
  }
}

/** The reports of the table's latest finished imports, newest first, with when each closed. */
export async function importReports(client: S3BridgeClient, connection: string, table: string, limit = 5): Promise<{ run: RunView; report: ImportReport }[]> {
  const runs = await listRuns(client.temporal, ours(client, `${runsQuery({ connection, table, kind: 'import' })} AND ExecutionStatus IN ("Completed", "Failed")`), limit);
  const reports = await Promise.all(runs.map(async (run) => ({ run, report: await importReportOf(client.temporal, run) })));
  return reports.filter((r): r is { run: RunView; report: ImportReport } => r.report !== undefined);
}

/** What a running day is doing: loading, or waiting for a drift approval (with the diff). */
async function dayState(temporal: Client, workflowId: string): Promise<{ state: 'loading' | 'waiting-for-drift-approval'; drift?: string } | undefined> {
  return quickQuery(() => temporal.workflow.getHandle(workflowId).query(importDayStateQuery));
}

/** Why a run failed: the innermost cause, the message that names the key, the row and the fix. */
export async function runFailure(temporal: Client, run: Pick<RunView, 'workflowId' | 'runId'>): Promise<string | undefined> {
  try {
    await temporal.workflow.getHandle(run.workflowId, run.runId, { followRuns: false }).result();
    return undefined;
  } catch (error) {
    return error instanceof Error ? rootCause(error).message : String(error);
  }
}

/** The input a run was started with (decoded like every payload, so an encrypted history reads too). */
async function runInput<T>(temporal: Client, run: Pick<RunView, 'workflowId' | 'runId'>): Promise<T | undefined> {
  const history = await temporal.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
  const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  return payloads ? decodeFromPayloadsAtIndex<T>(temporal.options.loadedDataConverter, 0, payloads) : undefined;
}

/** The settings a day last ran with (mapping, error and drift policy), so a re-import loads it the same way. */
async function dayInput(temporal: Client, run: RunView): Promise<ImportDayInput | undefined> {
  return runInput<ImportDayInput>(temporal, run).catch(() => undefined);
}

/**
 * The settings a day last ran with: its own importDay run's input, or (a day loaded in a batch has
 * no run of its own) the input of the table's latest import.
 */
export async function lastDayInput(client: S3BridgeClient, connection: string, table: string, unit: string): Promise<Partial<ImportDayInput> | undefined> {
  const last = (await dayRuns(client, connection, table)).get(unit);
  if (last) return dayInput(client.temporal, last);
  const [latestImport] = await listRuns(client.temporal, ours(client, runsQuery({ connection, table, kind: 'import' })), 1);
  return latestImport ? runInput<Partial<ImportDayInput>>(client.temporal, latestImport).catch(() => undefined) : undefined;
}

/** The latest finished export runs of a destination, newest first, with their reports. */
export async function exportReports(client: S3BridgeClient, destination: string, limit = 10): Promise<{ run: RunView; report: ExportReport }[]> {
  const runs = await listRuns(client.temporal, ours(client, `${runsQuery({ connection: destination, kind: 'export' })} AND ExecutionStatus = "Completed"`), limit);
  const reports = await Promise.all(runs.map(async (run) => ({
    run, report: await client.temporal.workflow.getHandle(run.workflowId, run.runId, { followRuns: false }).result().catch(() => undefined) as ExportReport | undefined,
  })));
  return reports.filter((r): r is { run: RunView; report: ExportReport } => r.report !== undefined);
}

/** A migration's report: live from its query while it runs, its result once it ended. */
export async function migrationReport(temporal: Client, run: RunView): Promise<MigrationReport | undefined> {
  const handle = temporal.workflow.getHandle(run.workflowId, run.runId, { followRuns: false });
  if (run.status === 'RUNNING') return quickQuery(() => handle.query(migrationStateQuery));
  return (handle.result() as Promise<MigrationReport>).catch(() => undefined);
}

/** s3bridge's migrations, newest first, with their reports. */
export async function migrations(client: S3BridgeClient, limit = 20): Promise<{ run: RunView; report?: MigrationReport }[]> {
  const runs = await listRuns(client.temporal, ours(client, runsQuery({ kind: 'migration' })), limit);
  return Promise.all(runs.map(async (run) => ({ run, report: await migrationReport(client.temporal, run) })));
}

/** A run with its live progress, as the Runs page shows it. */
export interface LiveRun {
  run: RunView;
  importProgress?: ImportProgress;
  exportProgress?: ExportProgress;
  migration?: MigrationReport;
}

/** Running imports, exports and migrations (and the other kinds) with their progress from the existing queries. */
export async function runningRuns(client: S3BridgeClient, limit = 100): Promise<LiveRun[]> {
  const runs = await listRuns(client.temporal, ours(client, `${runsQuery({ status: 'Running' })} AND ${S3BRIDGE_KIND.name} != "import-day"`), limit);
  return Promise.all(runs.map(async (run): Promise<LiveRun> => {
    const handle: WorkflowHandle = client.temporal.workflow.getHandle(run.workflowId, run.runId, { followRuns: false });
    const live = (fields: Omit<LiveRun, 'run'>): LiveRun => ({ run, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) });
    if (run.kind === 'import') return live({ importProgress: await quickQuery(() => queryImportProgress(handle)) });
    if (run.kind === 'export') return live({ exportProgress: await quickQuery(() => queryExportProgress(handle)) });
    if (run.kind === 'migration') return live({ migration: await quickQuery(() => handle.query(migrationStateQuery)) });
    return { run };
  }));
}

/**
 * The running days of a table's imports with their state: each `importDay` run, and the days
 * an import loads in batches (no run of their own), from its progress query.
 */
export async function runningDays(client: S3BridgeClient, connection: string, table: string): Promise<Map<string, { run: RunView; waiting?: string }>> {
  const { temporal } = client;
  const [runs, imports] = await Promise.all([
    listRuns(temporal, ours(client, runsQuery({ connection, table, kind: 'import-day', status: 'Running' })), 500),
    listRuns(temporal, ours(client, runsQuery({ connection, table, kind: 'import', status: 'Running' })), 20),
  ]);
  const days = new Map<string, { run: RunView; waiting?: string }>();
  await Promise.all(runs.map(async (run) => {
    const unit = unitOfDayWorkflowId(run.workflowId, connection, table);
    if (unit === undefined || days.has(unit)) return;
    const state = await dayState(temporal, run.workflowId);
    days.set(unit, { run, ...(state?.state === 'waiting-for-drift-approval' ? { waiting: state.drift ?? 'schema drift' } : {}) });
  }));
  await Promise.all(imports.map(async (run) => {
    const progress = await quickQuery(() => queryImportProgress(temporal.workflow.getHandle(run.workflowId, run.runId, { followRuns: false })));
    for (const unit of progress?.running ?? []) if (!days.has(unit)) days.set(unit, { run });
  }));
  return days;
}

/** The report of a connection's validation while it runs (the catalog's row says Processing). */
export async function liveValidation(client: S3BridgeClient, connection: string): Promise<ValidationReport | undefined> {
  return quickQuery(() => client.queryConnectionValidation(connection));
}

/** Recent runs of any kind, newest first (the Runs page's history). */
export async function recentRuns(client: S3BridgeClient, limit = 30): Promise<RunView[]> {
  return listRuns(client.temporal, ours(client, `${runsQuery({})} AND ExecutionStatus != "Running" AND ${S3BRIDGE_KIND.name} != "import-day"`), limit);
}
