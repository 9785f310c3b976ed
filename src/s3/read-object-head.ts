import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';

/**
 * The first `maxBytes` of an object (a ranged GET), read as a stream and stopped there: a server
 * that ignores Range and sends the whole object cannot make a sniff or a probe buffer it.
 */
export async function readObjectHead(s3: S3Client, bucket: string, key: string, maxBytes: number): Promise<Uint8Array> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${maxBytes - 1}` }));
  const body = answer.Body as Readable | undefined;
  if (!body) return new Uint8Array();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= maxBytes) break;
    }
  } finally {
    body.destroy();
  }
  return new Uint8Array(Buffer.concat(chunks).subarray(0, maxBytes));
}
