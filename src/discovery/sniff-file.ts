import { gunzipSync, constants } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { readObjectHead } from '../s3/read-object-head';
import { magicOf, textKind, type Magic } from '../workflow-safe/formats/file-format';
import { toS3Failure } from '../s3/classify-s3-error';

export interface Sniffed {
  magic: Magic;
  /** For text, or gzip whose first block inflates: what the text looks like. */
  text?: 'csv' | 'ndjson';
}

const HEAD_BYTES = 16 * 1024;

/** Reads a file's first bytes (one ranged GET, at most HEAD_BYTES whatever the server sends) to confirm its format by magic bytes and content. */
export async function sniffFile(s3: S3Client, bucket: string, key: string): Promise<Sniffed> {
  const head = await readObjectHead(s3, bucket, key, HEAD_BYTES)
    .catch((error: unknown) => { throw toS3Failure(error, `reading s3://${bucket}/${key}`); });
  const magic = magicOf(head);
  if (magic === 'parquet') return { magic };
  if (magic === 'text') return { magic, text: textKind(Buffer.from(head).toString('utf8')) };
  try {
    // A truncated gzip stream inflates as far as it goes with a sync flush.
    const inflated = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
    return { magic, text: textKind(inflated.subarray(0, 1024).toString('utf8')) };
  } catch {
    return { magic };
  }
}
