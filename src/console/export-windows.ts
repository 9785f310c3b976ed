import type { RunView } from '../client/run-control';
import type { ExportProgress, ExportReport } from '../workflow-safe/export/export-input';
import type { ExportLedgerRow, ExportedWindowRow } from './warehouse-reads';

/** One export stream of a destination (`destination|location|format|source-id|table` in the ledger). */
export interface ExportStream {
  exportKey: string;
  format: string;
  sourceId: string;
  table: string;
  windows: number;
  rows: number;
  bytes: number;
  firstWindow: string;
  lastWindow: string;
  lastExportedAt: string;
}

export interface FailedWindow { window: string; error: string; workflowId: string }
export interface PendingWindows { workflowId: string; left: number; current?: string }

/** The ledger's streams of one destination. */
export function streamsOf(destination: string, ledger: ExportLedgerRow[]): ExportStream[] {
  return ledger.filter((row) => row.export_key.startsWith(`${destination}|`)).map((row) => {
    const [, , format = '', sourceId = '', table = ''] = row.export_key.split('|');
    return {
      exportKey: row.export_key, format, sourceId, table, windows: row.windows, rows: row.rows, bytes: row.bytes,
      firstWindow: new Date(row.first_window).toISOString(), lastWindow: new Date(row.last_window).toISOString(), lastExportedAt: row.last_exported_at,
    };
  });
}

/**
 * Windows whose latest export failed: a failed window in a finished run's report (exports stop at
 * the first failure, and the next run starts again from it) that the ledger has not recorded since.
 */
export function failedWindows(reports: { run: RunView; report: ExportReport }[], exported: ExportedWindowRow[]): FailedWindow[] {
  const failed = new Map<number, FailedWindow>();
  const seen = new Set<number>();
  for (const { run, report } of reports) {
    for (const w of report.windows) {
      if (seen.has(w.windowStart)) continue;
      seen.add(w.windowStart);
      if (w.status !== 'failed') continue;
      const since = exported.some((e) => e.window_start === w.windowStart && (!run.closeTime || e.exported_at >= run.closeTime.slice(0, 19)));
      if (!since) failed.set(w.windowStart, { window: w.window, error: w.error ?? 'failed', workflowId: run.workflowId });
    }
  }
  return [...failed.values()].sort((a, b) => (a.window < b.window ? -1 : 1));
}

/** Windows a running export has planned and not yet done (its exportProgress query). */
export function pendingWindows(running: { run: RunView; exportProgress?: ExportProgress }[]): PendingWindows[] {
  return running.filter((r) => r.exportProgress).map(({ run, exportProgress: p }) => ({
    workflowId: run.workflowId, left: Math.max(0, p!.windowsPlanned - p!.windowsDone), ...(p!.current ? { current: p!.current } : {}),
  }));
}
