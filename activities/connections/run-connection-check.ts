import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Connection } from '../../src/workflow-safe/connection';
import type { CheckFacts, CheckName, CheckRow } from '../../src/workflow-safe/validation/validation-report';
import { resolveCredentials } from '../../src/s3/resolve-credentials';
import { createS3Client } from '../../src/s3/create-s3-client';
import { prefixPath, type CheckContext } from '../../src/validation/check-context';
import { runCheck } from '../../src/validation/run-check';
import type { ActivityDeps } from '../deps';

export interface RunConnectionCheckInput {
  connection: Connection;
  check: CheckName;
  facts: CheckFacts;
}

export interface RunConnectionCheckResult {
  row: CheckRow;
  facts: CheckFacts;
}

export function createRunConnectionCheck({ settings, catalog }: ActivityDeps) {
  /** Runs one validation check against the connection's bucket and returns its report row. */
  return async function runConnectionCheck({ connection, check, facts }: RunConnectionCheckInput): Promise<RunConnectionCheckResult> {
    // Outside a workflow (a standalone activity) the activity id keeps probes apart.
    const runId = Context.current().info.workflowExecution?.runId ?? Context.current().info.activityId;
    let credentials: Promise<AwsCredentialIdentity> | undefined;
    let s3: S3Client | undefined;
    const ctx: CheckContext = {
      settings,
      connection,
      facts,
      // Stable across retries of this run (a retried put overwrites), hidden from discovery by the dot.
      probeKey: (label) => `${prefixPath(connection.prefix)}.s3bridge-probe/${runId}-${label}`,
      credentials: () => (credentials ??= resolveCredentials(connection, settings, catalog)),
      s3: async () => (s3 ??= createS3Client(connection, await ctx.credentials(), settings)),
    };
    try {
      const outcome = await runCheck(ctx, check);
      return { row: { check, ...outcome.row }, facts: { ...facts, ...outcome.facts } };
    } catch (error) {
      // A terminal failure raised below (an unresolvable secret in a later check) is a finding, not a crash.
      if (error instanceof ApplicationFailure && error.nonRetryable) {
        return { row: { check, status: 'failed', tried: `run the ${check} check`, detail: error.message, fix: 'see the detail' }, facts };
      }
      throw error;
    } finally {
      s3?.destroy();
    }
  };
}
