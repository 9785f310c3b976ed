import type { DestinationConnection } from '../../src/workflow-safe/connection';
import { HOUR_MS, windowLabel, windowsBetween, windowStartOf } from '../../src/workflow-safe/export/export-layout';
import type { PlannedWindow } from '../../src/workflow-safe/export/export-input';
import { exportKeyOf, type ExportSpec } from '../../src/workflow-safe/export/export-spec';
import { queryRows } from '../../src/duckdb/query-rows';
import { exportRows, fingerprintOf } from '../../src/export/export-rows';
import type { ActivityDeps } from '../deps';

export interface PlanExportInput {
  destination: DestinationConnection;
  spec: ExportSpec;
  windows: 'scheduled' | { from: number; to: number };
  /** The run's clock (unix ms): the window before the current hour is the one that just closed. */
  nowMs: number;
  lookbackHours: number;
  maxCatchupWindows: number;
  requireEnabled: boolean;
}

export interface ExportPlan {
  enabled: boolean;
  disabledReason?: string;
  windows: PlannedWindow[];
  note?: string;
}

export function createPlanExport({ catalog, sink }: ActivityDeps) {
  /**
   * Plans an export's windows. A range: every hour in it. Scheduled: the window that just
   * closed, every window missed since the ledger's newest (in order, at most maxCatchupWindows),
   * and every window within lookbackHours whose rows changed since it was exported (late rows:
   * its fingerprint in the ledger differs from the warehouse's now).
   */
  return async function planExport(input: PlanExportInput): Promise<ExportPlan> {
    return sink.read(async (db) => {
      if (input.requireEnabled) {
        const state = await catalog.destinationState(input.destination.name);
        if (!state.enabled) {
          return { enabled: false, disabledReason: `destination "${input.destination.name}" is disabled${state.reason ? ` (${state.reason})` : ''}`, windows: [] };
        }
        const conflict = await catalog.locationConflict(input.destination.name);
        if (conflict) {
          return {
            enabled: false, windows: [],
            disabledReason: `refused: destinations "${input.destination.name}" and "${conflict.other}" are both enabled writing ${conflict.location}; their files would overwrite each other: disable one`,
          };
        }
      }
      const rows = await exportRows(db, input.spec.table, input.spec.timeColumn);
      if (input.windows !== 'scheduled') {
        return { enabled: true, windows: windowsBetween(input.windows.from, input.windows.to).map((windowStart) => ({ windowStart, reason: 'range' })) };
      }
      const exportKey = exportKeyOf(input.destination, input.spec);
      const closedEnd = windowStartOf(input.nowMs);
      const justClosed = closedEnd - HOUR_MS;
      const last = await catalog.lastExportedWindow(exportKey);
      const planned = new Map<number, string>();
      let note: string | undefined;
      let missed = last === undefined ? [justClosed] : windowsBetween(last + HOUR_MS, closedEnd);
      if (missed.length > input.maxCatchupWindows) {
        const dropped = missed.length - input.maxCatchupWindows;
        note = `${dropped} missed window(s) before ${windowLabel(missed[dropped]!)} were not exported (more than maxCatchupWindows ${input.maxCatchupWindows}); backfill them with a range`;
        missed = missed.slice(dropped);
      }
      for (const w of missed) planned.set(w, w === justClosed ? 'scheduled' : 'missed');
      const lookbackFrom = closedEnd - input.lookbackHours * HOUR_MS;
      const exported = await catalog.exportLedger(exportKey, lookbackFrom);
      if (exported.length > 0) {
        const now = await queryRows<{ w: bigint; n: bigint; s: bigint | null }>(db, rows.fingerprintSql, { from: lookbackFrom, to: closedEnd });
        const current = new Map(now.map((r) => [Number(r.w), fingerprintOf(r.n, r.s)]));
        for (const entry of exported) {
          if (planned.has(entry.windowStart)) continue;
          if ((current.get(entry.windowStart) ?? fingerprintOf(0, 0n)) !== entry.fingerprint) planned.set(entry.windowStart, 'late rows');
        }
      }
      const windows = [...planned.entries()].sort(([a], [b]) => a - b).map(([windowStart, reason]) => ({ windowStart, reason }));
      return { enabled: true, windows, ...(note ? { note } : {}) };
    });
  };
}
