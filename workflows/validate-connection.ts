import { ActivityFailure, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { connectionName } from '../src/workflow-safe/connection';
import { parseWorkflowInput } from '../src/workflow-safe/input-errors';
import { ValidateConnectionInput } from '../src/workflow-safe/inputs/validate-connection-input';
import { checkPlan } from '../src/workflow-safe/validation/check-plan';
import type { CheckFacts, CheckRow, ValidationReport } from '../src/workflow-safe/validation/validation-report';
import { shortCall } from './activity-options';
import { connectionValidationQuery } from './definitions';
import { tagRun } from './run-attributes';

const { resolveConnection, runConnectionCheck, recordConnectionStatus } = proxyActivities<Activities>(shortCall);

function reasonOf(row: CheckRow): string {
  return `${row.check}: ${row.detail ?? 'failed'}${row.missingAction ? ` (missing ${row.missingAction})` : ''}`;
}

/**
 * Validates a connection: runs its checks in order, one activity each, and moves its status
 * Processing -> Active or Failed in the catalog. Findings (denied, missing, misconfigured) are
 * report rows, not retried; transient S3 errors are retried by Temporal.
 */
export async function validateConnection(rawInput: ValidateConnectionInput): Promise<ValidationReport> {
  const input = parseWorkflowInput(ValidateConnectionInput, rawInput, 'validateConnection');
  tagRun({ connection: connectionName(input.connection), kind: 'validation' });
  const report: ValidationReport = {
    connection: connectionName(input.connection),
    status: 'processing',
    startedAt: new Date().toISOString(),
    checks: [],
  };
  setHandler(connectionValidationQuery, () => report);

  const connection = await resolveConnection({ connection: input.connection });
  const inline = typeof input.connection !== 'string';
  const plan = checkPlan(connection.direction);
  report.direction = connection.direction;
  report.checks = plan.map((p): CheckRow => ({ check: p.check, status: 'pending', tried: p.tries }));
  await recordConnectionStatus({ connection, report, inline });

  let facts: CheckFacts = {};
  for (const [index, planned] of plan.entries()) {
    const blocker = planned.requires.find((name) => report.checks.find((row) => row.check === name)?.status !== 'ok');
    if (blocker) {
      report.checks[index] = { check: planned.check, status: 'skipped', tried: planned.tries, detail: `skipped: the ${blocker} check did not pass` };
      continue;
    }
    try {
      const result = await runConnectionCheck({ connection, check: planned.check, facts });
      report.checks[index] = result.row;
      facts = result.facts;
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      // Retries ran out on transient errors: the connection is not usable now; a later validation may pass.
      report.checks[index] = {
        check: planned.check,
        status: 'failed',
        tried: planned.tries,
        detail: `gave up after retries: ${error.cause?.message ?? error.message}`,
        fix: 'the storage endpoint kept failing (throttling, 5xx or network errors): check that it is reachable from the worker, then validate again',
      };
    }
  }

  const failed = report.checks.find((row) => row.status === 'failed');
  report.status = failed ? 'failed' : 'active';
  if (failed) report.reason = reasonOf(failed);
  report.finishedAt = new Date().toISOString();
  await recordConnectionStatus({ connection, report, inline });
  return report;
}
