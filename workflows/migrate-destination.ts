import {
  ApplicationFailure, condition, executeChild, patched, proxyActivities, setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { Activities } from '../activities';
import type { DestinationConnection } from '../src/workflow-safe/connection';
import { tagRun } from './run-attributes';
import { parseWorkflowInput } from '../src/workflow-safe/input-errors';
import { ExportInput } from '../src/workflow-safe/export/export-input';
import { HOUR_MS, testPrefixOf, windowsBetween, windowStartOf } from '../src/workflow-safe/export/export-layout';
import { destinationLocation, destinationPlace } from '../src/workflow-safe/export/destination-location';
import { exportSpecOf } from '../src/workflow-safe/export/export-spec';
import {
  MigrateDestinationInput, type MigrationReport, type MigrationStep, type WindowVerification,
} from '../src/workflow-safe/export/migration';
import { shortCall, windowExport } from './activity-options';
import {
  abortMigrationSignal, approveMigrationUpdate, migrationStateQuery, pauseMigrationSignal, resumeMigrationSignal,
} from './definitions';
import { exportTable } from './export-table';
import { validateConnection } from './validate-connection';
import { NOT_A_DESTINATION_CONNECTION } from '../src/workflow-safe/failure-types';

const { resolveConnection, setDestinationStates, removeExportPrefix, readDestinationStates, restoreDestinationStates } = proxyActivities<Activities>(shortCall);
const { verifyExport } = proxyActivities<Activities>(windowExport);

// Migrations started before rollbacks restored the states they found keep the rollback they had.
const MIGRATION_RESTORES_STATES = 'migration-restores-states';
/** Same place by one spelling of the endpoint (destinationPlace); a run begun before it keeps comparing the connections' own spellings. */
const DESTINATION_PLACE = 'destination-place';

/** A failure that rolls the migration back, with the reason for the report. */
class MigrationStopped extends Error {}

function innermost(error: unknown): string {
  let cause: unknown = error;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  return cause instanceof Error ? cause.message : String(cause);
}

function summarize(results: WindowVerification[]): string {
  const bad = results.filter((r) => !r.ok);
  const rows = results.reduce((n, r) => n + r.exported, 0);
  if (bad.length === 0) return `${results.length} window(s), ${rows} row(s) read back, exactly the warehouse's`;
  return bad.map((r) => `${r.window}: ${r.exported} read back of ${r.expected} expected (missing ${r.missing}, unexpected ${r.unexpected}, duplicates ${r.duplicates})${r.problems.length ? `; ${r.problems.join('; ')}` : ''}`).join('; ');
}

/**
 * Moves exports from one destination to another, as Segment documents it: validate the new
 * destination, export to its test prefix (`<prefix>/segment-logs/test`) and verify what arrived,
 * switch it to its real prefix (after an approval, when required), keep both enabled for the
 * overlap, disable the old one, verify the new location, remove the test folder. Any failure
 * or an abort rolls back: both destinations' states are restored as the migration found them
 * and the test export is removed (nothing else is written before the switch).
 */
export async function migrateDestination(rawInput: MigrateDestinationInput): Promise<MigrationReport> {
  const input = parseWorkflowInput(MigrateDestinationInput, rawInput, 'migrateDestination');
  tagRun({ connection: input.from, kind: 'migration' });
  const { workflowId } = workflowInfo();
  const report: MigrationReport = { from: input.from, to: input.to, step: 'validate', status: 'running', findings: [], testPrefix: '' };
  let paused = false;
  let aborted: string | undefined;
  let approval: { approved: boolean; by?: string; note?: string } | undefined;
  setHandler(migrationStateQuery, () => ({ ...report, status: paused && report.status === 'running' ? 'paused' : report.status }));
  setHandler(pauseMigrationSignal, () => { paused = true; });
  setHandler(resumeMigrationSignal, () => { paused = false; });
  setHandler(abortMigrationSignal, ({ reason }) => { aborted = reason ?? 'aborted by signal'; });
  setHandler(approveMigrationUpdate, (answer) => {
    if (!input.requireApproval) return { accepted: false, message: 'this migration does not require an approval' };
    if (approval) return { accepted: false, message: `already ${approval.approved ? 'approved' : 'refused'}` };
    if (report.step !== 'awaiting-approval') return { accepted: false, message: `not waiting for an approval (step: ${report.step})` };
    approval = { approved: answer.approve, ...(answer.by ? { by: answer.by } : {}), ...(answer.note ? { note: answer.note } : {}) };
    return { accepted: true, message: answer.approve ? 'approved: switching to the new destination' : 'refused: the migration rolls back' };
  });

  const find = (finding: string) => report.findings.push(`${report.step}: ${finding}`);
  const enter = async (step: MigrationStep) => {
    // Pauses take effect between steps; an abort ends the wait at once.
    await condition(() => !paused || aborted !== undefined);
    if (aborted !== undefined) throw new MigrationStopped(`aborted: ${aborted}`);
    report.step = step;
  };

  const [from, to] = await Promise.all([resolveConnection({ connection: input.from }), resolveConnection({ connection: input.to })]);
  for (const c of [from, to]) {
    if (c.direction !== 'destination') {
      throw ApplicationFailure.create({ type: NOT_A_DESTINATION_CONNECTION, nonRetryable: true, message: `connection "${c.name}" is a source; migrations move destinations` });
    }
  }
  const oldDestination = from as DestinationConnection;
  const newDestination = to as DestinationConnection;
  const testPrefix = testPrefixOf(newDestination.prefix);
  report.testPrefix = `s3://${newDestination.bucket}/${testPrefix}`;
  const sameLocation = patched(DESTINATION_PLACE)
    ? destinationPlace(oldDestination) === destinationPlace(newDestination)
    : destinationLocation(oldDestination) === destinationLocation(newDestination);
  const nowWindow = windowStartOf(Date.now());
  const range = input.windows ?? { from: nowWindow - HOUR_MS, to: nowWindow };
  const windows = windowsBetween(range.from, range.to);
  const exportOf = (prefixOverride?: string): ExportInput => ({
    ...input.export, destination: newDestination.name, format: 'segment', windows: { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() },
    requireEnabled: false, ...(prefixOverride !== undefined ? { prefixOverride } : {}),
  });
  let switched = false;
  let found: Awaited<ReturnType<Activities['readDestinationStates']>> | undefined;

  try {
    await enter('validate');
    if (patched(MIGRATION_RESTORES_STATES)) found = await readDestinationStates({ names: [oldDestination.name, newDestination.name] });
    // The new destination waits, disabled, until the switch: its own schedule skips until then.
    await setDestinationStates({ changes: [{ name: newDestination.name, enabled: false, reason: `migration ${workflowId}: waiting for the switch` }] });
    const validation = await executeChild(validateConnection, { workflowId: `${workflowId}-validate`, args: [{ connection: newDestination.name }] });
    if (validation.status !== 'active') throw new MigrationStopped(`the new destination failed validation: ${validation.reason ?? 'see its report'}`);
    find('the new destination is Active');

    await enter('test-export');
    const testInput = exportOf(testPrefix);
    const testExport = await executeChild(exportTable, { workflowId: `${workflowId}-test-export`, args: [testInput] });
    if (testExport.status !== 'exported') throw new MigrationStopped(`the test export failed: ${testExport.windows.find((w) => w.error)?.error ?? testExport.note ?? testExport.status}`);
    if (testExport.totals.rows === 0) {
      // Segment's guide continues only once the test folder receives data: an empty export proves nothing.
      throw new MigrationStopped(`the test windows (${new Date(range.from).toISOString()} to ${new Date(range.to).toISOString()}) hold no events, so nothing would show that the new destination receives data: give "windows" with events`);
    }
    find(`${testExport.totals.rows} row(s) in ${testExport.totals.files} file(s) written under ${report.testPrefix}/segment-logs/`);

    await enter('verify-test');
    const spec = exportSpecOf(ExportInput.parse(testInput), newDestination);
    report.testVerification = await verifyExport({ destination: newDestination, spec, windows });
    const testSummary = summarize(report.testVerification);
    if (report.testVerification.some((r) => !r.ok)) throw new MigrationStopped(`the test export does not hold exactly the events sent: ${testSummary}`);
    find(testSummary);

    if (input.requireApproval) {
      await enter('awaiting-approval');
      await condition(() => approval !== undefined || aborted !== undefined);
      if (aborted !== undefined) throw new MigrationStopped(`aborted: ${aborted}`);
      report.approval = approval;
      if (!approval!.approved) throw new MigrationStopped(`the switch was refused${approval!.by ? ` by ${approval!.by}` : ''}${approval!.note ? `: ${approval!.note}` : ''}`);
      find(`approved${approval!.by ? ` by ${approval!.by}` : ''}`);
    }

    await enter('switch');
    if (sameLocation) {
      // Both would write the same keys: hand over in one change instead of overlapping.
      await setDestinationStates({ changes: [
        { name: oldDestination.name, enabled: false, reason: `migrated to ${newDestination.name} by ${workflowId}` },
        { name: newDestination.name, enabled: true, reason: `migrated from ${oldDestination.name} by ${workflowId}` },
      ] });
      switched = true;
      find(`same location as "${oldDestination.name}" (${destinationLocation(newDestination)}): handed over in one change, no overlap`);
    } else {
      await setDestinationStates({ changes: [{ name: newDestination.name, enabled: true, reason: `migration ${workflowId}: overlap with ${oldDestination.name}` }] });
      switched = true;
      find(`"${newDestination.name}" enabled at ${destinationLocation(newDestination)}`);

      await enter('overlap');
      if (await condition(() => aborted !== undefined, input.overlap as Duration)) throw new MigrationStopped(`aborted: ${aborted}`);
      find(`both destinations enabled for ${input.overlap}`);

      await enter('disable-old');
      await setDestinationStates({ changes: [{ name: oldDestination.name, enabled: false, reason: `migrated to ${newDestination.name} by ${workflowId}` }] });
      find(`"${oldDestination.name}" disabled`);
    }

    await enter('verify-new');
    const realInput = exportOf();
    const realExport = await executeChild(exportTable, { workflowId: `${workflowId}-verify-export`, args: [realInput] });
    if (realExport.status !== 'exported') throw new MigrationStopped(`exporting to the new location failed: ${realExport.windows.find((w) => w.error)?.error ?? realExport.status}`);
    report.newVerification = await verifyExport({ destination: newDestination, spec: exportSpecOf(ExportInput.parse(realInput), newDestination), windows });
    const newSummary = summarize(report.newVerification);
    if (report.newVerification.some((r) => !r.ok)) throw new MigrationStopped(`the new location does not receive the warehouse's rows: ${newSummary}`);
    find(newSummary);

    await enter('cleanup');
    const removed = await removeExportPrefix({ destination: newDestination, prefix: testPrefix });
    find(`removed ${removed.deleted} test object(s) under ${report.testPrefix}/`);
    report.step = 'done';
    report.status = 'completed';
    return report;
  } catch (error) {
    // A child's or an activity's own message sits under the failures that wrap it.
    const reason = error instanceof MigrationStopped ? error.message : innermost(error);
    const failedStep = report.step;
    report.step = 'rolling-back';
    report.reason = `${failedStep}: ${reason}`;
    // Rollback must run even when the migration was aborted: the old destination stays (or is again) enabled.
    if (found) {
      await restoreDestinationStates({ states: found });
      const described = found.map((s) => `"${s.name}" ${s.enabled ? 'enabled' : 'disabled'}`).join(', ');
      report.findings.push(`rolling-back: destination states restored as the migration found them: ${described}`);
    } else if (switched) {
      await setDestinationStates({ changes: [
        { name: newDestination.name, enabled: false, reason: `migration ${workflowId} rolled back` },
        { name: oldDestination.name, enabled: true, reason: `migration ${workflowId} rolled back` },
      ] });
      report.findings.push(`rolling-back: "${oldDestination.name}" enabled again, "${newDestination.name}" disabled`);
    } else {
      report.findings.push(`rolling-back: "${oldDestination.name}" stays enabled`);
    }
    try {
      const removed = await removeExportPrefix({ destination: newDestination, prefix: testPrefix });
      report.findings.push(`rolling-back: removed ${removed.deleted} test object(s) under ${report.testPrefix}/`);
    } catch (cleanupError) {
      report.findings.push(`rolling-back: could not remove the test objects under ${report.testPrefix}/: ${innermost(cleanupError)}`);
    }
    report.step = 'rolled-back';
    report.status = 'rolled-back';
    return report;
  }
}
