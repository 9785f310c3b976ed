import { describeS3Error } from '../s3/classify-s3-error';
import type { Connection } from '../workflow-safe/connection';
import { statementGranting } from '../workflow-safe/policies/connection-statements';
import type { CheckOutcome } from './check-context';

/** The failed row for a missing IAM action: names the action and the statement that grants it. */
export function missingPermission(connection: Connection, action: string, tried: string, detail: string): CheckOutcome {
  const statement = statementGranting(connection, action);
  return {
    row: {
      status: 'failed',
      tried,
      detail,
      missingAction: action,
      statement,
      fix: `grant ${action}: add this statement to the policy of the role or user s3bridge uses (\`s3bridge policy\` prints the whole policy): ${JSON.stringify(statement)}`,
    },
  };
}

/** What to do about a refusal by the worker's egress gate (the detail names the address and the setting). */
export const EGRESS_FIX = 'point the connection\'s endpoint at the S3 service, or allow the address with the setting named in the detail';

/**
 * Turns an S3 error from `call` into a failed row, or rethrows it when it is transient so that
 * Temporal retries the activity. `action` is the IAM action the call needs.
 */
export function s3FailureOutcome(error: unknown, connection: Connection, call: { action: string; tried: string; target: string }): CheckOutcome {
  const info = describeS3Error(error);
  const detail = `${info.code}${info.status ? ` (HTTP ${info.status})` : ''} on ${call.target}`;
  const failed = (fix: string, extra = ''): CheckOutcome => ({ row: { status: 'failed', tried: call.tried, detail: `${detail}${extra}`, fix } });
  switch (info.kind) {
    case 'transient':
      throw error;
    case 'egress-refused':
      return { row: { status: 'failed', tried: call.tried, detail: info.message, fix: EGRESS_FIX } };
    case 'access-denied':
      return missingPermission(connection, call.action, call.tried, detail);
    case 'invalid-credentials':
      return failed('S3 rejected the credentials: check the access key id and secret the connection refers to (or the role s3bridge assumes)');
    case 'no-such-bucket':
      return failed(`no bucket named "${connection.bucket}" exists${connection.endpoint ? ` at ${connection.endpoint}` : ''}: check the spelling (bucket names are lowercase)`);
    case 'wrong-region':
      return failed(
        info.bucketRegion ? `set region to "${info.bucketRegion}"` : 'the bucket is in another region: set the connection\'s region to the bucket\'s (S3 console, bucket overview)',
        info.bucketRegion ? `: the bucket is in ${info.bucketRegion}` : '',
      );
    default:
      return failed(`unexpected S3 error: ${info.message}`);
  }
}
