import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describeS3Error } from '../../s3/classify-s3-error';
import { sseParams } from '../../s3/sse-params';
import type { DestinationConnection, Encryption } from '../../workflow-safe/connection';
import type { CheckContext, CheckOutcome } from '../check-context';
import { kmsFailure } from '../kms-failure';
import { missingPermission, s3FailureOutcome } from '../s3-failure-row';

const PROBE_BODY = 's3bridge validation probe; safe to delete\n';

/** Puts an object with the given encryption; true when S3 accepted it (then deletes it), false when denied. */
async function putAccepted(s3: S3Client, bucket: string, key: string, encryption: Encryption): Promise<boolean> {
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: PROBE_BODY, ...sseParams(encryption) }));
  } catch (error) {
    if (describeS3Error(error).kind === 'transient') throw error;
    return false;
  }
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
  return true;
}

const label = (e: Encryption) => (e.type === 'none' ? 'no encryption' : e.type === 'AES256' ? 'AES256 (SSE-S3)' : `aws:kms (${e.kmsKeyArn})`);

/**
 * A denied PutObject is either a missing s3:PutObject or a bucket policy that rejects this
 * encryption: another encryption being accepted tells them apart.
 */
async function diagnoseDeniedPut(ctx: CheckContext, connection: DestinationConnection, tried: string, detail: string): Promise<CheckOutcome> {
  const s3 = await ctx.s3();
  const alternatives: Encryption[] = [{ type: 'AES256' }, { type: 'none' }].filter((e) => e.type !== connection.encryption.type) as Encryption[];
  for (const alternative of alternatives) {
    if (await putAccepted(s3, connection.bucket, ctx.probeKey(`write-${alternative.type}`), alternative)) {
      const rejects = connection.encryption.type === 'none' ? 'uploads without server-side encryption' : `uploads with ${label(connection.encryption)}`;
      return {
        row: {
          status: 'failed',
          tried,
          detail: `${detail}; the same PutObject with ${label(alternative)} was accepted: a bucket policy denies ${rejects}`,
          fix: `set the connection's encryption to ${JSON.stringify(alternative)} (what the bucket policy requires), or remove the bucket policy's Deny statement on s3:x-amz-server-side-encryption`,
        },
      };
    }
  }
  return missingPermission(connection, 's3:PutObject', tried, detail);
}

/** PutObject then DeleteObject of a probe object under the prefix, with the configured encryption. */
export async function checkWriteProbe(ctx: CheckContext): Promise<CheckOutcome> {
  const { connection } = ctx;
  if (connection.direction !== 'destination') throw new Error('write-probe runs on destinations only');
  const key = ctx.probeKey('write');
  const url = `s3://${connection.bucket}/${key}`;
  const tried = `PutObject ${url} with ${label(connection.encryption)}, then DeleteObject`;
  const s3 = await ctx.s3();
  try {
    await s3.send(new PutObjectCommand({ Bucket: connection.bucket, Key: key, Body: PROBE_BODY, ...sseParams(connection.encryption) }));
  } catch (error) {
    const kms = kmsFailure(error, connection, tried);
    if (kms) return kms;
    const info = describeS3Error(error);
    if (info.kind === 'access-denied') return diagnoseDeniedPut(ctx, connection, tried, `${info.code} (HTTP ${info.status ?? 403}) on PutObject ${url}`);
    return s3FailureOutcome(error, connection, { action: 's3:PutObject', tried, target: `PutObject ${url}` });
  }
  try {
    await s3.send(new DeleteObjectCommand({ Bucket: connection.bucket, Key: key }));
  } catch (error) {
    const outcome = s3FailureOutcome(error, connection, { action: 's3:DeleteObject', tried, target: `DeleteObject ${url}` });
    return { row: { ...outcome.row, fix: `${outcome.row.fix}; then delete the probe ${url} by hand` } };
  }
  return { row: { status: 'ok', tried, detail: 'probe written and deleted' } };
}
