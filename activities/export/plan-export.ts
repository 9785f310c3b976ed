import type { DestinationConnection } from '../../src/workflow-safe/connection';
import { HOUR_MS, windowLabel, windowsBetween, windowStartOf } from '../../src/workflow-safe/export/export-layout';
import type { PlannedWindow } from '../../src/workflow-safe/export/export-input';
import { exportKeyOf, type ExportSpec } from '../../src/workflow-safe/export/export-spec';
import type { ExportLedgerEntry } from '../../src/catalog/export-ledger-store';
import { queryRows } from '../../src/duckdb/query-rows';
import { exportRows, fingerprintOf, type ExportRows } from '../../src/export/export-rows';
import { claimStreamPath } from '../../src/export/stream-claim';
import type { DuckDBConnection } from '@duckdb/node-api';
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

type LoadRow = { load_id: string; received_ms: bigint; rows: bigint | null };

/** The loads of the table received in [from, to). */
function receivedLoads(db: DuckDBConnection, rows: ExportRows, from: number, to: number): Promise<LoadRow[]> {
  return queryRows<LoadRow>(db, rows.loadsSql, { from, to, target: rows.table });
}

/**
 * Received-time windows already exported that a load has since committed into (a commit that
 * began in the window but ended after its export): the loads each window holds now, against the
 * loads the ledger recorded. Loads that left a window (a day reloaded or reset) change nothing:
 * what was sent stays sent, and a reload is received again in its own window.
 */
async function lateCommits(db: DuckDBConnection, rows: ExportRows, exported: ExportLedgerEntry[], from: number, to: number): Promise<number[]> {
  const now = new Map<number, string[]>();
  for (const load of await receivedLoads(db, rows, from, to)) {
    const window = windowStartOf(Number(load.received_ms));
    now.set(window, [...(now.get(window) ?? []), load.load_id]);
  }
  return exported.filter((entry) => {
    const known = new Set(entry.loads ?? []);
    return (now.get(entry.windowStart) ?? []).some((load) => !known.has(load));
  }).map((entry) => entry.windowStart);
}

/** Event-time windows whose rows changed since they were exported (a late file, a reloaded day): their fingerprints differ. */
async function lateRows(db: DuckDBConnection, rows: ExportRows, exported: ExportLedgerEntry[], from: number, to: number): Promise<number[]> {
  const now = await queryRows<{ w: bigint; n: bigint; s: bigint | null }>(db, rows.fingerprintSql, { from, to });
  const current = new Map(now.map((r) => [Number(r.w), fingerprintOf(r.n, r.s)]));
  return exported.filter((entry) => (current.get(entry.windowStart) ?? fingerprintOf(0, 0n)) !== entry.fingerprint).map((entry) => entry.windowStart);
}

/** What a stream's first scheduled run leaves out: rows received before the window that just closed. */
async function receivedBefore(db: DuckDBConnection, rows: ExportRows, justClosed: number): Promise<string | undefined> {
  const earlier = await receivedLoads(db, rows, 0, justClosed);
  const count = earlier.reduce((n, load) => n + Number(load.rows ?? 0), 0);
  if (count === 0) return undefined;
  const first = windowStartOf(Number(earlier[0]!.received_ms));
  const hour = (ms: number) => new Date(ms).toISOString().slice(0, 13);
  return `the first scheduled export sends what is received from ${windowLabel(justClosed)} on; ${count} row(s) received earlier (from ${windowLabel(first)}) `
    + `are not sent: backfill them by received hour (s3bridge export backfill ... --from ${hour(first)} --to ${hour(justClosed)})`;
}

export function createPlanExport({ catalog, sink }: ActivityDeps) {
  /**
   * Plans an export's windows, after claiming the stream's folder (one stream per folder). A
   * range: every hour in it. Scheduled: the window that just closed, every window missed since
   * the ledger's newest (in order, at most maxCatchupWindows), and every window within
   * lookbackHours that changed since it was exported: by received time, a load that committed
   * into it late; by event time, rows whose fingerprint differs from the ledger's (late rows).
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
      // The table and its columns are checked before the folder is claimed for it.
      const rows = await exportRows(db, input.spec);
      await claimStreamPath(catalog, input.destination, input.spec);
      if (input.windows !== 'scheduled') {
        return { enabled: true, windows: windowsBetween(input.windows.from, input.windows.to).map((windowStart) => ({ windowStart, reason: 'range' })) };
      }
      const exportKey = exportKeyOf(input.destination, input.spec);
      const closedEnd = windowStartOf(input.nowMs);
      const justClosed = closedEnd - HOUR_MS;
      const last = await catalog.lastExportedWindow(exportKey);
      const planned = new Map<number, string>();
      const notes: string[] = [];
      let missed = last === undefined ? [justClosed] : windowsBetween(last + HOUR_MS, closedEnd);
      if (missed.length > input.maxCatchupWindows) {
        const dropped = missed.length - input.maxCatchupWindows;
        notes.push(`${dropped} missed window(s) before ${windowLabel(missed[dropped]!)} were not exported (more than maxCatchupWindows ${input.maxCatchupWindows}); backfill them with a range`);
        missed = missed.slice(dropped);
      }
      for (const w of missed) planned.set(w, w === justClosed ? 'scheduled' : 'missed');
      const received = rows.clock === 'received';
      if (last === undefined && received) {
        const before = await receivedBefore(db, rows, justClosed);
        if (before) notes.push(before);
      }
      const lookbackFrom = closedEnd - input.lookbackHours * HOUR_MS;
      const exported = (await catalog.exportLedger(exportKey, lookbackFrom)).filter((entry) => !planned.has(entry.windowStart));
      if (exported.length > 0) {
        const changed = received
          ? await lateCommits(db, rows, exported, lookbackFrom, closedEnd)
          : await lateRows(db, rows, exported, lookbackFrom, closedEnd);
        for (const w of changed) planned.set(w, received ? 'late commit' : 'late rows');
      }
      const windows = [...planned.entries()].sort(([a], [b]) => a - b).map(([windowStart, reason]) => ({ windowStart, reason }));
      return { enabled: true, windows, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
    });
  };
}
