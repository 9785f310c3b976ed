import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describeS3Error } from '../../s3/classify-s3-error';
import { sseParams } from '../../s3/sse-params';
import type { CheckContext, CheckOutcome } from '../check-context';
import { kmsFailure } from '../kms-failure';
import { s3FailureOutcome } from '../s3-failure-row';

const BODY = 's3bridge encryption probe; safe to delete\n';

/**
 * A write with the configured encryption is stored encrypted that way (the PutObject answer says
 * how), and whether the bucket also refuses unencrypted uploads (a policy s3bridge satisfies).
 */
export async function checkEncryption(ctx: CheckContext): Promise<CheckOutcome> {
  const { connection } = ctx;
  if (connection.direction !== 'destination') throw new Error('encryption runs on destinations only');
  const { encryption } = connection;
  const key = ctx.probeKey('encryption');
  const url = `s3://${connection.bucket}/${key}`;
  const tried = `PutObject ${url} with ${encryption.type === 'none' ? 'no encryption header' : `ServerSideEncryption ${encryption.type}`} and read the encryption S3 applied${encryption.type === 'none' ? '' : '; PutObject without encryption'}`;
  const s3 = await ctx.s3();
  let applied: { sse?: string; kmsKey?: string };
  try {
    const answer = await s3.send(new PutObjectCommand({ Bucket: connection.bucket, Key: key, Body: BODY, ...sseParams(encryption) }));
    applied = { sse: answer.ServerSideEncryption, kmsKey: answer.SSEKMSKeyId };
    await s3.send(new DeleteObjectCommand({ Bucket: connection.bucket, Key: key }));
  } catch (error) {
    return kmsFailure(error, connection, tried) ?? s3FailureOutcome(error, connection, { action: 's3:PutObject', tried, target: `PutObject ${url}` });
  }
  const stored = applied.sse ? `${applied.sse}${applied.kmsKey ? ` with key ${applied.kmsKey}` : ''}` : 'no server-side encryption';
  if (encryption.type === 'none') {
    return { row: { status: 'ok', tried, detail: `no encryption requested; S3 stored the probe with ${stored} (the bucket's default)` } };
  }
  // An alias names no key id to compare; S3 answers with the key's ARN.
  const keyMatches = encryption.type !== 'aws:kms' || encryption.kmsKeyArn.includes(':alias/') || (applied.kmsKey ?? '').endsWith(encryption.kmsKeyArn.replace(/^.*:key\//, ''));
  if (applied.sse !== encryption.type || !keyMatches) {
    return {
      row: {
        status: 'failed',
        tried,
        detail: `asked for ${encryption.type}${encryption.type === 'aws:kms' ? ` with key ${encryption.kmsKeyArn}` : ''}, S3 stored the probe with ${stored}`,
        fix: 'the endpoint ignores the requested encryption: enable it on the server (S3-compatible stores need a KMS configured) or set encryption to what the bucket applies',
      },
    };
  }
  // Knowing the bucket enforces encryption explains denials seen by other tools; s3bridge always sends the header.
  let enforced = false;
  try {
    await s3.send(new PutObjectCommand({ Bucket: connection.bucket, Key: ctx.probeKey('unencrypted'), Body: BODY }));
    await s3.send(new DeleteObjectCommand({ Bucket: connection.bucket, Key: ctx.probeKey('unencrypted') }));
  } catch (error) {
    if (describeS3Error(error).kind === 'transient') throw error;
    enforced = true;
  }
  return {
    row: {
      status: 'ok',
      tried,
      detail: `stored with ${stored}; ${enforced ? 'the bucket denies unencrypted uploads (s3bridge always sends the encryption header)' : 'the bucket also accepts unencrypted uploads'}`,
    },
  };
}
