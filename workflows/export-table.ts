import { ActivityFailure, ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DestinationConnection } from '../src/shared/connection';
import { parseWorkflowInput } from '../src/shared/input-errors';
import { ExportInput, type ExportReport, type WindowReport } from '../src/shared/export/export-input';
import { windowLabel } from '../src/shared/export/export-layout';
import { destinationLocation } from '../src/shared/export/destination-location';
import { exportSpecOf } from '../src/shared/export/export-spec';
import { shortCall, windowExport } from './activity-options';

const { requireActiveConnection, planExport } = proxyActivities<Activities>(shortCall);
const { exportWindow } = proxyActivities<Activities>(windowExport);

function failureMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Exports a warehouse table to a destination bucket in hourly windows: canonical.events as
 * Segment spec messages (gzipped NDJSON in segment-logs/<source-id>/<received-day>/), any table
 * as JSON rows, or Parquet in dataset/day folders. Windows run in order; the first that fails
 * stops the run, so the next scheduled run resumes from it.
 */
export async function exportTable(rawInput: ExportInput): Promise<ExportReport> {
  const input = parseWorkflowInput(ExportInput, rawInput, 'exportTable');
  const connection = await requireActiveConnection({ connection: input.destination });
  if (connection.direction !== 'destination') {
    throw ApplicationFailure.create({
      type: 'NotADestinationConnection', nonRetryable: true,
      message: `connection "${connection.name}" is a source; exports write to destination connections`,
    });
  }
  const destination: DestinationConnection = connection;
  const spec = exportSpecOf(input, destination);
  const scheduled = input.windows === 'scheduled';
  const plan = await planExport({
    destination, spec,
    windows: input.windows,
    nowMs: input.asOf ?? Date.now(),
    lookbackHours: input.lookbackHours,
    maxCatchupWindows: input.maxCatchupWindows,
    requireEnabled: input.requireEnabled ?? scheduled,
  });
  const report: ExportReport = {
    destination: destination.name, table: spec.table, format: spec.format, location: destinationLocation(destination, spec.prefix),
    status: 'exported', windows: [], totals: { windows: 0, failed: 0, rows: 0, files: 0, bytes: 0 },
  };
  if (!plan.enabled) return { ...report, status: 'skipped', note: plan.disabledReason };
  if (plan.note) report.note = plan.note;
  for (const planned of plan.windows) {
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
    if (result.status === 'failed') {
      // Later windows wait: exports stay in order, and the next run starts again from this one.
      report.status = 'partial';
      break;
    }
  }
  const exported = report.windows.filter((w) => w.status === 'exported');
  report.totals = {
    windows: exported.length, failed: report.windows.length - exported.length,
    rows: exported.reduce((n, w) => n + w.rows, 0), files: exported.reduce((n, w) => n + w.files, 0), bytes: exported.reduce((n, w) => n + w.bytes, 0),
  };
  return report;
}
