import type { RunView } from '../client/run-control';
import type { ImportReport } from '../workflow-safe/import/import-input';
import type { LedgerDayRow } from './warehouse-reads';

/** A day's outcome as the calendar colours it (the words of the import report, plus the two live states). */
export type DayOutcome = 'loaded' | 'rejects' | 'failed' | 'skipped' | 'waiting' | 'loading';

export interface CalendarDay {
  unit: string;
  /** The ISO day; null for a table loaded as one whole-table unit. */
  day: string | null;
  outcome: DayOutcome;
  /** Rows and rejected rows in the warehouse now (from the load ledger). */
  rows: number;
  rejectedRows: number;
  loaded: boolean;
  /** Why it failed or was skipped, or the drift it waits on. */
  reason?: string;
  /** The day's latest run (its importDay workflow), when Temporal still has it. */
  run?: RunView;
}

/** Where each outcome comes from (see docs/console.md, "Where each outcome comes from"). */
export interface CalendarSources {
  /** The load ledger: every committed day (the warehouse). */
  ledger: LedgerDayRow[];
  /** The latest importDay run of each day (Temporal visibility): a failed run is a failed day. */
  dayRuns: Map<string, RunView>;
  /** The latest finished imports' reports: failed and skipped days with their reasons. */
  reports: { run: RunView; report: ImportReport }[];
  /** Days loading now, and those waiting for a drift approval (the importDayState query). */
  running: Map<string, { run: RunView; waiting?: string }>;
}

const FAILED_RUN = new Set(['FAILED', 'TERMINATED', 'TIMED_OUT']);

interface Event { at: string; outcome: 'loaded' | 'failed' | 'skipped'; reason?: string }

/**
 * Each day's outcome: a running day is loading or waiting; otherwise the latest of what happened
 * to it wins: its commit (ledger), a failure (its run, or an import's report) or a skip (report).
 * A day whose load failed after an earlier commit is failed: its rows are the earlier load's.
 */
export function calendarDays(sources: CalendarSources): CalendarDay[] {
  const units = new Set<string>([
    ...sources.ledger.map((l) => l.unit), ...sources.dayRuns.keys(), ...sources.running.keys(),
    ...sources.reports.flatMap((r) => r.report.days.filter((d) => d.status !== 'loaded').map((d) => d.unit)),
  ]);
  const days: CalendarDay[] = [];
  for (const unit of units) {
    const entries = sources.ledger.filter((l) => l.unit === unit);
    const rows = entries.reduce((n, e) => n + e.rows, 0);
    const rejectedRows = entries.reduce((n, e) => n + e.rejected_rows, 0);
    const events: Event[] = entries.map((e) => ({ at: e.loaded_at, outcome: 'loaded' }));
    const run = sources.running.get(unit)?.run ?? sources.dayRuns.get(unit);
    const latestRun = sources.dayRuns.get(unit);
    if (latestRun && FAILED_RUN.has(latestRun.status) && latestRun.closeTime) events.push({ at: latestRun.closeTime, outcome: 'failed' });
    for (const { run: importRun, report } of sources.reports) {
      const day = report.days.find((d) => d.unit === unit);
      if (!day || !importRun.closeTime || day.status === 'loaded') continue;
      // "unchanged" means the ledger's load stands: not an outcome of its own.
      if (day.status === 'skipped' && day.reason === 'unchanged') continue;
      events.push({ at: importRun.closeTime, outcome: day.status, reason: day.reason });
    }
    // Newest last; a report's failure and its day run's failure are one event, and the report has the reason.
    events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const latest = events[events.length - 1];
    const failureReason = [...events].reverse().find((e) => e.outcome === 'failed' && e.reason)?.reason;
    const live = sources.running.get(unit);
    let outcome: DayOutcome;
    let reason: string | undefined;
    if (live) {
      outcome = live.waiting !== undefined ? 'waiting' : 'loading';
      reason = live.waiting;
    } else if (!latest) {
      continue;
    } else if (latest.outcome === 'loaded') {
      outcome = rejectedRows > 0 ? 'rejects' : 'loaded';
    } else {
      outcome = latest.outcome;
      reason = latest.outcome === 'failed' ? failureReason ?? latest.reason : latest.reason;
    }
    days.push({
      unit, day: unit === 'all' ? null : unit, outcome, rows, rejectedRows, loaded: entries.length > 0,
      ...(reason !== undefined ? { reason } : {}), ...(run ? { run } : {}),
    });
  }
  return days.sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
}

export interface CalendarMonth {
  /** `2025-01`. */
  month: string;
  /** Weeks from Monday to Sunday; null pads the days outside the month. */
  weeks: (string | null)[][];
}

const DAY_MS = 86_400_000;

/** The months from the first to the last day, each as weeks of ISO days (Monday first). */
export function calendarMonths(days: string[]): CalendarMonth[] {
  const sorted = days.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  if (sorted.length === 0) return [];
  const months: CalendarMonth[] = [];
  const first = new Date(`${sorted[0]!.slice(0, 7)}-01T00:00:00Z`);
  const lastMonth = sorted[sorted.length - 1]!.slice(0, 7);
  for (let start = first; start.toISOString().slice(0, 7) <= lastMonth; start = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1))) {
    const month = start.toISOString().slice(0, 7);
    const weeks: (string | null)[][] = [];
    let week: (string | null)[] = Array.from({ length: (start.getUTCDay() + 6) % 7 }, () => null);
    for (let t = start.getTime(); new Date(t).toISOString().slice(0, 7) === month; t += DAY_MS) {
      week.push(new Date(t).toISOString().slice(0, 10));
      if (week.length === 7) {
        weeks.push(week);
        week = [];
      }
    }
    if (week.length > 0) weeks.push([...week, ...Array.from({ length: 7 - week.length }, () => null)]);
    months.push({ month, weeks });
  }
  return months;
}
