import { GetBucketLocationCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { describeS3Error } from '../../s3/classify-s3-error';
import { connectionPolicies } from '../../workflow-safe/policies/connection-policies';
import type { Auth } from '../../workflow-safe/connection';
import type { CheckContext, CheckOutcome } from '../check-context';
import { EGRESS_FIX } from '../s3-failure-row';
import { ENDPOINT_REFUSED, SECRET_REFUSED, SECRET_UNRESOLVED, WORKER_CREDENTIALS_REFUSED } from '../../workflow-safe/failure-types';

function describeAuth(auth: Auth): string {
  switch (auth.type) {
    case 'assume-role':
      return `assume role ${auth.roleArn} with external ID "${auth.externalId}" (base credentials: ${describeAuth(auth.baseCredentials)})`;
    case 'static-keys':
      return `static keys ${auth.accessKeyId} / ${auth.secretAccessKey}`;
    case 'default-chain':
      return 'the default AWS credential chain';
  }
}

/** Credentials usable: secret references resolve, the role is assumed with the external ID, S3 accepts the signature. */
export async function checkCredentials(ctx: CheckContext): Promise<CheckOutcome> {
  const { connection } = ctx;
  const { auth } = connection;
  const tried = `resolve ${describeAuth(auth)}, then sign GetBucketLocation`;
  const failed = (detail: string, fix: string): CheckOutcome => ({ row: { status: 'failed', tried, detail, fix } });
  try {
    await ctx.credentials();
  } catch (error) {
    if (error instanceof ApplicationFailure && error.type === SECRET_UNRESOLVED) {
      return failed(error.message, 'make the reference resolvable on every worker (set the environment variable or create the file), or change the connection\'s reference');
    }
    // Refused by the worker's settings before anything was sent: the message names the setting.
    if (error instanceof ApplicationFailure && error.type === SECRET_REFUSED) {
      return failed(error.message, 'reference a secret the worker\'s settings allow, or change the setting named in the detail');
    }
    if (error instanceof ApplicationFailure && error.type === WORKER_CREDENTIALS_REFUSED) {
      return failed(error.message, 'give the connection credentials of its own, or change the worker setting named in the detail');
    }
    if (error instanceof ApplicationFailure && error.type === ENDPOINT_REFUSED) {
      return failed(error.message, EGRESS_FIX);
    }
    const info = describeS3Error(error);
    if (info.kind === 'transient') throw error;
    if (auth.type === 'assume-role') {
      const trust = connectionPolicies(connection).trustPolicy!.Statement[0]!;
      return failed(
        `AssumeRole was refused: ${info.code}${info.status ? ` (HTTP ${info.status})` : ''}`,
        `the role's trust policy must let the worker's identity assume ${auth.roleArn} with external ID "${auth.externalId}" (and the base credentials must be valid): ${JSON.stringify(trust)}`,
      );
    }
    if (info.code === 'CredentialsProviderError') {
      return failed('no credentials found in the default AWS credential chain', 'give the worker credentials (environment, shared config/SSO profile, or an instance/task role), or use static keys or assume-role');
    }
    return failed(`${info.code}: credentials could not be resolved`, 'check the connection\'s auth settings');
  }
  try {
    const s3 = await ctx.s3();
    await s3.send(new GetBucketLocationCommand({ Bucket: connection.bucket }));
  } catch (error) {
    const info = describeS3Error(error);
    if (info.kind === 'transient') throw error;
    if (info.kind === 'egress-refused') return failed(info.message, EGRESS_FIX);
    if (info.kind === 'invalid-credentials') {
      return failed(
        `S3 rejected the credentials: ${info.code} (HTTP ${info.status ?? '?'})`,
        info.code === 'SignatureDoesNotMatch'
          ? 'the secret access key does not belong to the access key id: check the secret the connection refers to'
          : 'the access key id is unknown or the session expired: check the key the connection refers to',
      );
    }
    // Other errors (denied, missing bucket, region) are the next checks' findings: the signature itself was accepted.
  }
  return { row: { status: 'ok', tried, detail: auth.type === 'assume-role' ? 'role assumed; S3 accepted the temporary credentials' : 'S3 accepted the credentials' } };
}
