import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ChildWorkflowFailure, continueAsNew, executeChild, isCancellation, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ImportPlan, PlannedUnit } from '../activities/import/plan-import';
import type { Connection } from '../src/shared/connection';
import { parseWorkflowInput } from '../src/shared/input-errors';
import { ImportInput, type DayReport, type ImportReport } from '../src/shared/import/import-input';
import { dayWorkflowId, importWorkflowId } from '../src/shared/import/unit-workflow-id';
import { longScan, shortCall } from './activity-options';
import { importDay } from './import-day';

const { requireActiveConnection } = proxyActivities<Activities>(shortCall);
const { planImport } = proxyActivities<Activities>(longScan);

function failureReason(error: unknown): string {
  if (error instanceof WorkflowExecutionAlreadyStartedError) return 'already being imported by another run';
  if (error instanceof ChildWorkflowFailure) {
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
  const { workflowId } = workflowInfo();
  const at = workflowId.indexOf(importWorkflowId(connection, table));
  return at > 0 ? workflowId.slice(0, at) : '';
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
  let state: ImportContinuation;
  if (continued) {
    state = continued;
  } else {
    // Imports refuse a connection that is not Active (never validated, Failed, or changed since), with the reason.
    const connection = await requireActiveConnection({ connection: input.connection });
    const plan: ImportPlan = await planImport({
      connection, table: input.table, days: input.days, earliest: input.earliest, mapping: input.mapping, reload: input.reload,
    });
    state = {
      connection, target: plan.target, unchangedNotListed: plan.unchangedNotListed,
      queue: plan.units.filter((u) => u.action === 'load'),
      reports: plan.units
        .filter((u) => u.action === 'skip')
        .map((u) => ({ unit: u.unit, day: u.day, status: 'skipped', rows: 0, rejectedRows: 0, files: u.files, bytes: u.bytes, durationMs: 0, reason: u.reason })),
    };
  }
  const { connection, reports } = state;
  const queue = state.queue.slice(0, UNITS_PER_RUN);
  const rest = state.queue.slice(UNITS_PER_RUN);
  const idPrefix = dayIdPrefix(connection.name, input.table);
  const runNext = async (): Promise<void> => {
    for (let unit = queue.shift(); unit; unit = queue.shift()) {
      try {
        reports.push(await executeChild(importDay, {
          workflowId: `${idPrefix}${dayWorkflowId(connection.name, input.table, unit.unit)}`,
          args: [{
            connection, table: input.table, unit: unit.unit, mapping: input.mapping,
            errorPolicy: input.errorPolicy, driftPolicy: input.driftPolicy, reload: input.reload,
          }],
        }));
      } catch (error) {
        // A cancelled import ends cancelled (each day committed whole or not at all), not as a report of failed days.
        if (isCancellation(error)) throw error;
        // One day's failure (bad data, a corrupt file, drift) never stops the other days.
        const reason = failureReason(error);
        log.warn('day failed', { unit: unit.unit, reason });
        reports.push({ unit: unit.unit, day: unit.day, status: 'failed', rows: 0, rejectedRows: 0, files: unit.files, bytes: unit.bytes, durationMs: 0, reason });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.concurrency, queue.length) }, runNext));
  if (rest.length > 0) {
    return continueAsNew<typeof importTable>(rawInput, { ...state, queue: rest, reports });
  }
  reports.sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
  const sum = (pick: (r: DayReport) => number, of = reports.filter((r) => r.status === 'loaded')) => of.reduce((n, r) => n + pick(r), 0);
  return {
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
}
