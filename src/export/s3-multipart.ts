import { AbortMultipartUploadCommand, DeleteObjectsCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { describeS3Error } from '../s3/classify-s3-error';
import { ListingGuard } from '../s3/listing-guard';

/**
 * Aborts every multipart upload still open under each of `prefixes` (one a killed worker left
 * behind). Returns how many, or undefined when the listing is denied (s3:ListBucketMultipartUploads).
 * MinIO lists the uploads of one exact key only, so callers pass the keys they may have used too.
 */
export async function abortOpenUploads(s3: S3Client, bucket: string, ...prefixes: string[]): Promise<number | undefined> {
  let aborted = 0;
  for (const prefix of new Set(prefixes)) {
    const n = await abortOpenUploadsUnder(s3, bucket, prefix);
    if (n === undefined) return undefined;
    aborted += n;
  }
  return aborted;
}

async function abortOpenUploadsUnder(s3: S3Client, bucket: string, prefix: string): Promise<number | undefined> {
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    let page;
    try {
      page = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    } catch (error) {
      if (describeS3Error(error).kind === 'access-denied') return undefined;
      throw error;
    }
    for (const upload of page.Uploads ?? []) {
      if (!upload.Key?.startsWith(prefix) || !upload.UploadId) continue;
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
      aborted += 1;
    }
    if (!page.IsTruncated) return aborted;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

/** Every key under `prefix` (paginated). */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  const guard = new ListingGuard(`s3://${bucket}/${prefix}`);
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = guard.next(page);
  } while (token);
  return keys;
}

/** Deletes the given keys, 1,000 per request; a key already gone counts as deleted. */
export async function deleteKeys(s3: S3Client, bucket: string, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    const result = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
    const failed = result.Errors?.[0];
    if (failed) throw new Error(`DeleteObjects failed for ${failed.Key}: ${failed.Code} ${failed.Message}`);
  }
}
