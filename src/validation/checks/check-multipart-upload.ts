import { AbortMultipartUploadCommand, CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { sseParams } from '../../s3/sse-params';
import type { CheckContext, CheckOutcome } from '../check-context';
import { kmsFailure } from '../kms-failure';
import { s3FailureOutcome } from '../s3-failure-row';

/** CreateMultipartUpload then AbortMultipartUpload under the prefix (large exports upload in parts). */
export async function checkMultipartUpload(ctx: CheckContext): Promise<CheckOutcome> {
  const { connection } = ctx;
  if (connection.direction !== 'destination') throw new Error('multipart-upload runs on destinations only');
  const key = ctx.probeKey('multipart');
  const url = `s3://${connection.bucket}/${key}`;
  const tried = `CreateMultipartUpload ${url}, then AbortMultipartUpload`;
  const s3 = await ctx.s3();
  let uploadId: string | undefined;
  try {
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: connection.bucket, Key: key, ...sseParams(connection.encryption) }));
    uploadId = created.UploadId;
  } catch (error) {
    // S3 authorizes CreateMultipartUpload with s3:PutObject.
    return kmsFailure(error, connection, tried) ?? s3FailureOutcome(error, connection, { action: 's3:PutObject', tried, target: `CreateMultipartUpload ${url}` });
  }
  try {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: connection.bucket, Key: key, UploadId: uploadId }));
  } catch (error) {
    return s3FailureOutcome(error, connection, { action: 's3:AbortMultipartUpload', tried, target: `AbortMultipartUpload ${url}` });
  }
  return { row: { status: 'ok', tried, detail: 'multipart upload created and aborted' } };
}
