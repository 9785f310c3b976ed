import { ActivityFailure, ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { parseWorkflowInput } from '../src/workflow-safe/input-errors';
import { ImportDayInput, type DayReport } from '../src/workflow-safe/import/import-input';
import { connectionName } from '../src/workflow-safe/connection';
import { dayLoad, shortCall } from './activity-options';
import { approveDriftSignal, importDayStateQuery } from './definitions';
import { tagRun } from './run-attributes';
import { SCHEMA_DRIFT_PENDING } from '../src/workflow-safe/failure-types';

const { requireActiveConnection } = proxyActivities<Activities>(shortCall);
const { loadDayPartition } = proxyActivities<Activities>(dayLoad);

export type { ImportDayInput } from '../src/workflow-safe/import/import-input';

function isDriftPending(error: unknown): error is ActivityFailure {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === SCHEMA_DRIFT_PENDING;
}

/** Imports one day partition (ID `import-<connection>-<table>-<day>`); holds a drifted day until approved. */
export async function importDay(rawInput: ImportDayInput): Promise<DayReport> {
  const parsed = parseWorkflowInput(ImportDayInput, rawInput, 'importDay');
  const name = connectionName(parsed.connection);
  tagRun({ connection: name, table: parsed.table, kind: 'import-day' });
  // Checked again here, not only by importTable: a day can be started on its own (Temporal UI).
  const connection = await requireActiveConnection({ connection: parsed.connection });
  const input = { ...parsed, connection };
  let approved = false;
  let state: { state: 'loading' | 'waiting-for-drift-approval'; drift?: string } = { state: 'loading' };
  setHandler(approveDriftSignal, ({ connection: signalled, table }) => {
    if (signalled === name && table === input.table) approved = true;
  });
  setHandler(importDayStateQuery, () => state);
  try {
    return await loadDayPartition(input);
  } catch (error) {
    if (!isDriftPending(error) || input.driftPolicy !== 'wait') throw error;
    state = { state: 'waiting-for-drift-approval', drift: error.cause?.message };
    await condition(() => approved);
    state = { state: 'loading' };
    // Approval accepts the change: the day loads with the evolved schema.
    const report = await loadDayPartition({ ...input, driftPolicy: 'evolve' });
    return { ...report, reason: `${report.reason}; drift approved` };
  }
}
