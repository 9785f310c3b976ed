import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ActivityFailure, ApplicationFailure, ChildWorkflowFailure, executeChild, isCancellation, log, makeContinueAsNewFunc, patched, proxyActivities, setCurrentDetails,
  setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ImportPlan, PlannedUnit } from '../activities/import/plan-import';
import type { Connection } from '../src/workflow-safe/connection';
import { parseWorkflowInput } from '../src/workflow-safe/input-errors';
import { ImportInput, type DayReport, type ImportReport } from '../src/workflow-safe/import/import-input';
import type { ImportProgress } from '../src/workflow-safe/import/import-progress';
import { dayWorkflowId, importIdPrefix } from '../src/workflow-safe/workflow-ids';
import { connectionName } from '../src/workflow-safe/connection';
import { dayLoad, longScan, shortCall } from './activity-options';
import { importDay } from './import-day';
import { importProgressQuery } from './definitions';
import { tagFailedDays, tagRun } from './run-attributes';
import { isOwnContinuation } from './continued-run';
import { IMPORT_DAYS_FAILED } from '../src/workflow-safe/failure-types';
import { dayWork, type DayWork } from '../src/workflow-safe/import/day-batches';

const { requireActiveConnection } = proxyActivities<Activities>(shortCall);
const { planImport } = proxyActivities<Activities>(longScan);
const { loadDayBatch } = proxyActivities<Activities>(dayLoad);

/** Small days load in batches (loadDayBatch) from this change on; older histories replay day by day. */
const DAY_BATCHES = 'import-day-batches';

function failureReason(error: unknown): string {
  if (error instanceof WorkflowExecutionAlreadyStartedError) return 'already being imported by another run';
  if (error instanceof ChildWorkflowFailure || error instanceof ActivityFailure) {
    // The activity's own message (key, row, column, fix) sits under the child's and the activity's failures.
    let cause: unknown = error.cause;
    while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
    return cause instanceof Error ? cause.message : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whatever precedes `import-<connection>-<table>` in this run's ID (a deployment's or a test's
 * prefix) prefixes the days' IDs too; the rest of the ID (a Schedule's timestamp) does not, so
 * two runs of one table share day IDs and never load the same day at once.
 */
function dayIdPrefix(connection: string, table: string): string {
  return importIdPrefix(workflowInfo().workflowId, connection, table);
}

/**
 * Days one run starts before it continues as new: about six history events a day keep each
 * run's history near 1,500 events, far below Temporal's 10,240-event warning, however many
 * days a backfill has.
 */
export const UNITS_PER_RUN = 250;

/** What a run hands the next when it continues as new: the plan's remaining days and the reports so far. */
export interface ImportContinuation {
  connection: Connection;
  target: string;
  unchangedNotListed: number;
  /** The plan's word on batching small days (undefined in runs continued before it existed: allowed). */
  batchSmallDays?: boolean;
  queue: PlannedUnit[];
  reports: DayReport[];
}

/**
 * Imports a discovered table day by day: plans one unit per day partition (or the whole table),
 * runs each as a child workflow with bounded concurrency, and reports every day. A long
 * backfill continues as new every UNITS_PER_RUN days, carrying the rest of its plan.
 */
export async function importTable(rawInput: ImportInput, continued?: ImportContinuation): Promise<ImportReport> {
  const input = parseWorkflowInput(ImportInput, rawInput, 'importTable');
  tagRun({ connection: connectionName(input.connection), table: input.table, kind: 'import' });
  tagFailedDays(0);
  const progress: ImportProgress = {
    phase: 'planning', connection: connectionName(input.connection), table: input.table,
    daysToLoad: 0, daysDone: 0, daysLoaded: 0, daysFailed: 0, daysSkipped: 0, running: [], rows: 0, rejectedRows: 0, files: 0, bytes: 0,
  };
  setHandler(importProgressQuery, () => progress);
  let state: ImportContinuation;
  // The carried plan is accepted only in a run this workflow itself continued (not a start, a
  // retry or a cron run), so a start from outside cannot skip the Active check below.
  if (continued && isOwnContinuation()) {
    state = continued;
  } else {
    // Imports refuse a connection that is not Active (never validated, Failed, or changed since), with the reason.
    const connection = await requireActiveConnection({ connection: input.connection });
    const plan: ImportPlan = await planImport({
      connection, table: input.table, days: input.days, earliest: input.earliest, mapping: input.mapping, reload: input.reload,
    });
    state = {
      connection, target: plan.target, unchangedNotListed: plan.unchangedNotListed, batchSmallDays: plan.batchSmallDays,
      queue: plan.units.filter((u) => u.action === 'load'),
      reports: plan.units
        .filter((u) => u.action === 'skip')
        .map((u) => ({ unit: u.unit, day: u.day, status: 'skipped', rows: 0, rejectedRows: 0, files: u.files, bytes: u.bytes, durationMs: 0, reason: u.reason })),
    };
  }
  const { connection, reports } = state;
  const queue = state.queue.slice(0, UNITS_PER_RUN);
  const rest = state.queue.slice(UNITS_PER_RUN);
  // Progress covers this run: earlier runs' days are in the carried reports.
  const loaded = reports.filter((r) => r.status === 'loaded');
  Object.assign(progress, {
    phase: 'loading', daysToLoad: queue.length + rest.length + loaded.length + reports.filter((r) => r.status === 'failed').length,
    daysSkipped: reports.filter((r) => r.status === 'skipped').length + state.unchangedNotListed,
    daysLoaded: loaded.length, daysFailed: reports.filter((r) => r.status === 'failed').length,
    rows: loaded.reduce((n, r) => n + r.rows, 0), rejectedRows: loaded.reduce((n, r) => n + r.rejectedRows, 0),
    files: loaded.reduce((n, r) => n + r.files, 0), bytes: loaded.reduce((n, r) => n + r.bytes, 0),
  });
  progress.daysDone = progress.daysLoaded + progress.daysFailed;
  const done = (report: DayReport) => {
    reports.push(report);
    progress.running = progress.running.filter((u) => u !== report.unit);
    progress.daysDone += 1;
    if (report.status === 'failed') progress.daysFailed += 1;
    else if (report.status === 'loaded') progress.daysLoaded += 1;
    else progress.daysSkipped += 1;
    if (report.status === 'loaded') {
      progress.rows += report.rows;
      progress.rejectedRows += report.rejectedRows;
      progress.files += report.files;
      progress.bytes += report.bytes;
    }
  };
  const idPrefix = dayIdPrefix(connection.name, input.table);
  const dayInput = (unit: PlannedUnit) => ({
    // The reference, not the resolved connection: the day re-checks it is Active itself.
    connection: input.connection, table: input.table, unit: unit.unit, mapping: input.mapping,
    errorPolicy: input.errorPolicy, driftPolicy: input.driftPolicy, reload: input.reload,
  });
  /** A day on its own: its importDay child workflow. */
  const runDay = async (unit: PlannedUnit): Promise<void> => {
    progress.running.push(unit.unit);
    try {
      done(await executeChild(importDay, { workflowId: dayWorkflowId(connection.name, input.table, unit.unit, idPrefix), args: [dayInput(unit)] }));
    } catch (error) {
      // A cancelled import ends cancelled (each day committed whole or not at all), not as a report of failed days.
      if (isCancellation(error)) throw error;
      // One day's failure (bad data, a corrupt file, drift) never stops the other days.
      const reason = failureReason(error);
      log.warn('day failed', { connection: connection.name, table: input.table, unit: unit.unit, reason });
      done({ unit: unit.unit, day: unit.day, status: 'failed', rows: 0, rejectedRows: 0, files: unit.files, bytes: unit.bytes, durationMs: 0, reason });
    }
  };
  /**
   * Small days in one activity and one warehouse commit, each with its own report. A day held
   * for a drift approval, and every day of a batch whose activity failed (its retries spent),
   * runs on its own: a day the batch committed is then skipped as unchanged.
   */
  const runBatch = async (units: PlannedUnit[]): Promise<void> => {
    progress.running.push(...units.map((u) => u.unit));
    let alone = units;
    try {
      const { reports: batchReports, held } = await loadDayBatch({ ...dayInput(units[0]!), units: units.map((u) => u.unit) });
      batchReports.forEach(done);
      for (const report of batchReports.filter((r) => r.status === 'failed')) {
        log.warn('day failed', { connection: connection.name, table: input.table, unit: report.unit, reason: report.reason });
      }
      alone = units.filter((u) => held.includes(u.unit));
    } catch (error) {
      if (isCancellation(error)) throw error;
      log.warn('day batch failed; its days load one by one', { connection: connection.name, table: input.table, reason: failureReason(error) });
    }
    const aloneUnits = new Set(alone.map((u) => u.unit));
    progress.running = progress.running.filter((u) => !aloneUnits.has(u));
    for (const unit of alone) await runDay(unit);
  };
  // Histories recorded before batches existed replay with one importDay per day.
  const batching = state.batchSmallDays !== false && patched(DAY_BATCHES);
  const work: DayWork<PlannedUnit>[] = batching ? dayWork(queue, input.concurrency) : queue.map((day) => ({ kind: 'day', day }));
  const runNext = async (): Promise<void> => {
    for (let next = work.shift(); next; next = work.shift()) {
      if (next.kind === 'day') await runDay(next.day);
      else await runBatch(next.days);
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.concurrency, work.length) }, runNext));
  if (rest.length > 0) {
    // The search attributes go along, so the continued run stays findable by connection and table.
    return makeContinueAsNewFunc<typeof importTable>({ typedSearchAttributes: workflowInfo().typedSearchAttributes })(rawInput, { ...state, queue: rest, reports });
  }
  reports.sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
  const sum = (pick: (r: DayReport) => number, of = reports.filter((r) => r.status === 'loaded')) => of.reduce((n, r) => n + pick(r), 0);
  const report: ImportReport = {
    connection: connection.name,
    table: input.table,
    target: state.target,
    days: reports,
    totals: {
      loaded: reports.filter((r) => r.status === 'loaded').length,
      skipped: reports.filter((r) => r.status === 'skipped').length + state.unchangedNotListed,
      failed: reports.filter((r) => r.status === 'failed').length,
      rows: sum((r) => r.rows),
      rejectedRows: sum((r) => r.rejectedRows),
      files: sum((r) => r.files),
      bytes: sum((r) => r.bytes),
    },
  };
  progress.phase = 'done';
  const failed = reports.filter((r) => r.status === 'failed');
  tagFailedDays(failed.length);
  // The run's details in the Temporal UI: the totals, and each failed day with its reason.
  setCurrentDetails([
    `**${report.totals.loaded} loaded, ${report.totals.skipped} skipped, ${failed.length} failed**; ${report.totals.rows} rows into \`${report.target}\``,
    ...failed.map((r) => `- failed ${r.unit}: ${r.reason.slice(0, 300)}`),
  ].join('\n'));
  if (failed.length > 0 && input.failOnFailedDays) {
    throw ApplicationFailure.create({
      type: IMPORT_DAYS_FAILED,
      nonRetryable: true,
      message: `${failed.length} of ${reports.length} days of ${report.connection}/${report.table} failed: ${failed.map((r) => r.unit).join(', ')} (the report is in the failure's details)`,
      details: [report],
    });
  }
  return report;
}
