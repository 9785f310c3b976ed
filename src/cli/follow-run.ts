import type { WorkflowHandle } from '@temporalio/client';
import { hasLiveWorker } from '../client/task-queue-pollers';
import { queryExportProgress, queryImportProgress, runUrl } from '../client/run-control';
import type { ExportProgress } from '../workflow-safe/export/export-input';
import type { ImportProgress } from '../workflow-safe/import/import-progress';
import { CliFailure } from './command';
import type { CliContext } from './context';

/** What a detached start prints (and `-o json` emits): enough to find the run again. */
export interface StartedRun {
  workflowId: string;
  runId: string;
  url: string;
}

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** The live line: `3/10 days (1 failed, 2 skipped) 1,200 rows 4.2 MB; loading 2025-01-04, 2025-01-05`. */
export function formatImportProgress(p: ImportProgress): string {
  if (p.phase === 'planning') return `${p.connection}/${p.table}: planning`;
  const extra = [p.daysFailed ? `${p.daysFailed} failed` : '', p.daysSkipped ? `${p.daysSkipped} skipped` : ''].filter(Boolean).join(', ');
  return `${p.connection}/${p.table}: ${p.daysDone}/${p.daysToLoad} days${extra ? ` (${extra})` : ''}, ${p.rows.toLocaleString('en-US')} rows, ${bytes(p.bytes)}`
    + `${p.running.length ? `; loading ${p.running.slice(0, 4).join(', ')}${p.running.length > 4 ? ', ...' : ''}` : ''}`;
}

/** The live line: `export: 120/8760 windows (0 failed), 1,200,000 rows, 52.1 MB; exporting 2025-06-05T13`. */
function formatExportProgress(p: ExportProgress): string {
  if (p.phase === 'planning') return 'export: planning';
  return `export: ${p.windowsDone}/${p.windowsPlanned} windows${p.failed ? ` (${p.failed} failed)` : ''}, ${p.rows.toLocaleString('en-US')} rows, ${bytes(p.bytes)}`
    + `${p.current ? `; exporting ${p.current}` : ''}`;
}

/** Says so, instead of waiting forever, when no worker polls the task queue (checked for a few seconds). */
export async function requireWorker(context: CliContext, workflowId: string): Promise<void> {
  const { temporal } = await context.s3bridge();
  const { settings } = context;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    if (await hasLiveWorker(temporal, settings.taskQueue)) return;
    await new Promise((resolve) => setTimeout(resolve, 750));
  }
  throw new CliFailure(
    `no worker polls task queue "${settings.taskQueue}" on ${settings.temporalAddress}: ${workflowId} waits until one starts `
    + '(`npm run worker`, or `docker compose up worker`); `s3bridge watch ' + workflowId + '` follows it then',
  );
}

/**
 * Prints the run's ID and Temporal UI link at once, then (unless detached) checks that a worker
 * polls, shows live progress from the run's query and returns its result.
 */
export async function followRun<R>(
  context: CliContext,
  handle: WorkflowHandle,
  options: { detach?: boolean; progress?: ProgressLine; quiet?: boolean },
): Promise<{ result?: R; started: StartedRun }> {
  const { temporal } = await context.s3bridge();
  const started: StartedRun = {
    workflowId: handle.workflowId,
    runId: (handle as { firstExecutionRunId?: string }).firstExecutionRunId ?? '',
    url: runUrl(context.settings.temporalUiUrl, temporal.options.namespace, handle.workflowId),
  };
  if (!options.quiet) context.note(`started ${handle.workflowId}\n  ${started.url}`);
  if (options.detach) return { started };
  await requireWorker(context, handle.workflowId);
  return { result: await waitWithProgress<R>(context, handle, options.progress), started };
}

/** Reads a run's progress line by query (undefined when the run does not answer). */
export type ProgressLine = (handle: WorkflowHandle) => Promise<string | undefined>;

/** The import's live line from its `importProgress` query. */
export const importProgressLine: ProgressLine = async (handle) => {
  const p = await queryImportProgress(handle);
  return p ? formatImportProgress(p) : undefined;
};

/** The export's live line from its `exportProgress` query. */
export const exportProgressLine: ProgressLine = async (handle) => {
  const p = await queryExportProgress(handle);
  return p ? formatExportProgress(p) : undefined;
};

/** Whichever live line the run answers (`watch` follows any run). */
export const runProgressLine: ProgressLine = async (handle) => (await importProgressLine(handle)) ?? exportProgressLine(handle);

/** Waits for the result, refreshing the progress line every second from the run's query. */
export async function waitWithProgress<R>(context: CliContext, handle: WorkflowHandle, progress?: ProgressLine): Promise<R> {
  const result = handle.result() as Promise<R>;
  if (!progress) return result;
  let last = '';
  let done = false;
  void result.finally(() => { done = true; }).catch(() => undefined);
  try {
    // The first line at once (the plan), then every second while the run goes.
    while (!done) {
      const line = (await progress(handle).catch(() => undefined)) ?? '';
      if (line && line !== last && !done) context.progress(line);
      last = line || last;
      await Promise.race([result.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000))]);
    }
  } finally {
    if (last) context.endProgress();
  }
  return result;
}
