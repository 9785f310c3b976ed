import { ActivityFailure, ApplicationFailure, makeContinueAsNewFunc, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { connectionName, type DestinationConnection } from '../src/workflow-safe/connection';
import { tagRun } from './run-attributes';
import { parseWorkflowInput } from '../src/workflow-safe/input-errors';
import { ExportInput, type ExportProgress, type ExportReport, type PlannedWindow, type WindowReport } from '../src/workflow-safe/export/export-input';
import { windowLabel } from '../src/workflow-safe/export/export-layout';
import { destinationLocation } from '../src/workflow-safe/export/destination-location';
import { exportSpecOf } from '../src/workflow-safe/export/export-spec';
import { shortCall, windowExport } from './activity-options';
import { exportProgressQuery } from './definitions';
import { isOwnContinuation } from './continued-run';
import { NOT_A_DESTINATION_CONNECTION } from '../src/workflow-safe/failure-types';

const { requireActiveConnection, planExport } = proxyActivities<Activities>(shortCall);
const { exportWindow } = proxyActivities<Activities>(windowExport);

const EXPORT_CONTINUE_AS_NEW = 'export-continue-as-new';

function failureMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** What a run hands the next when a long export continues as new: the windows left and what earlier runs exported. */
export interface ExportContinuation {
  destination: DestinationConnection;
  note?: string;
  queue: PlannedWindow[];
  earlier: NonNullable<ExportReport['earlier']>;
}

/**
 * Exports a warehouse table to a destination bucket in hourly windows: canonical.events as
 * Segment spec messages (gzipped NDJSON in segment-logs/<source-id>/<received-day>/), any table
 * as JSON rows, or Parquet in dataset/day folders. Windows run in order; the first that fails
 * stops the run, so the next scheduled run resumes from it. A long backfill continues as new
 * every `windowsPerRun` windows, carrying the windows left.
 */
export async function exportTable(rawInput: ExportInput, continued?: ExportContinuation): Promise<ExportReport> {
  const input = parseWorkflowInput(ExportInput, rawInput, 'exportTable');
  tagRun({ connection: connectionName(input.destination), table: input.table, kind: 'export' });
  const progress: ExportProgress = { phase: 'planning', windowsPlanned: 0, windowsDone: 0, failed: 0, rows: 0, files: 0, bytes: 0 };
  setHandler(exportProgressQuery, () => progress);
  let state: ExportContinuation;
  // The carried windows are accepted only in a run this workflow itself continued (not a start,
  // a retry or a cron run), so a start from outside cannot skip the checks below.
  if (continued && isOwnContinuation()) {
    state = continued;
  } else {
    const connection = await requireActiveConnection({ connection: input.destination });
    if (connection.direction !== 'destination') {
      throw ApplicationFailure.create({
        type: NOT_A_DESTINATION_CONNECTION, nonRetryable: true,
        message: `connection "${connection.name}" is a source; exports write to destination connections`,
      });
    }
    const scheduled = input.windows === 'scheduled';
    const spec = exportSpecOf(input, connection);
    const plan = await planExport({
      destination: connection, spec,
      windows: input.windows,
      nowMs: input.asOf ?? Date.now(),
      lookbackHours: input.lookbackHours,
      maxCatchupWindows: input.maxCatchupWindows,
      requireEnabled: input.requireEnabled ?? scheduled,
    });
    if (!plan.enabled) {
      progress.phase = 'done';
      return {
        destination: connection.name, table: spec.table, format: spec.format, location: destinationLocation(connection, spec.prefix),
        status: 'skipped', note: plan.disabledReason, windows: [], totals: { windows: 0, failed: 0, rows: 0, files: 0, bytes: 0 },
      };
    }
    state = { destination: connection, note: plan.note, queue: plan.windows, earlier: { runs: 0, windows: 0, rows: 0, files: 0, bytes: 0 } };
  }
  const { destination, earlier } = state;
  const spec = exportSpecOf(input, destination);
  const report: ExportReport = {
    destination: destination.name, table: spec.table, format: spec.format, location: destinationLocation(destination, spec.prefix),
    status: 'exported', windows: [], totals: { windows: 0, failed: 0, rows: 0, files: 0, bytes: 0 },
  };
  if (state.note) report.note = state.note;
  // Runs started before exports could continue as new export every window in one run: replayed,
  // they keep doing so (the patch marker is recorded by new runs only).
  const perRun = patched(EXPORT_CONTINUE_AS_NEW) ? input.windowsPerRun : state.queue.length;
  const queue = state.queue.slice(0, perRun);
  const rest = state.queue.slice(perRun);
  Object.assign(progress, {
    phase: 'exporting', windowsPlanned: earlier.windows + state.queue.length, windowsDone: earlier.windows,
    rows: earlier.rows, files: earlier.files, bytes: earlier.bytes,
  });
  for (const planned of queue) {
    progress.current = windowLabel(planned.windowStart);
    let result: WindowReport;
    try {
      result = await exportWindow({ destination, spec, windowStart: planned.windowStart, reason: planned.reason, runId: workflowInfo().runId });
    } catch (error) {
      result = {
        window: windowLabel(planned.windowStart), windowStart: planned.windowStart, status: 'failed', reason: planned.reason,
        rows: 0, files: 0, bytes: 0, keys: [], removedKeys: 0, abortedUploads: 0, error: failureMessage(error),
      };
    }
    report.windows.push(result);
    progress.windowsDone += 1;
    if (result.status === 'failed') {
      progress.failed += 1;
      // Later windows wait: exports stay in order, and the next run starts again from this one.
      report.status = 'partial';
      break;
    }
    progress.rows += result.rows;
    progress.files += result.files;
    progress.bytes += result.bytes;
  }
  progress.current = undefined;
  const exported = report.windows.filter((w) => w.status === 'exported').length;
  // The progress counts every run's exported windows: the totals so far.
  const done = { windows: earlier.windows + exported, rows: progress.rows, files: progress.files, bytes: progress.bytes };
  if (report.status === 'exported' && rest.length > 0) {
    // The windows' reports stay behind (a year of hours would outgrow a payload); their sums go along.
    return makeContinueAsNewFunc<typeof exportTable>({ typedSearchAttributes: workflowInfo().typedSearchAttributes })(
      rawInput, { ...state, queue: rest, earlier: { runs: earlier.runs + 1, ...done } });
  }
  report.totals = { ...done, failed: report.windows.length - exported };
  if (earlier.runs > 0) report.earlier = earlier;
  progress.phase = 'done';
  return report;
}
