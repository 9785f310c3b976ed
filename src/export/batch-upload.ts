import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Encryption } from '../workflow-safe/connection';
import { sseParams } from '../s3/sse-params';
import { describeS3Error } from '../s3/classify-s3-error';
import type { ExportedFile } from '../catalog/export-ledger-store';

/** Multipart part size and parts in flight: the most an upload holds in memory is about their product. */
const PART_SIZE = 5 * 1024 * 1024;
const QUEUE_SIZE = 2;
const MAX_SINGLE_PUT = 5 * 1024 ** 3;

/** Counts and hashes the bytes that pass (the object's size and SHA-256 as stored). */
class Measure extends Transform {
  bytes = 0;
  readonly hash = createHash('sha256');
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

export interface UploadTarget {
  s3: S3Client;
  bucket: string;
  key: string;
  encryption: Encryption;
  contentType: string;
  contentEncoding?: string;
  /** Called as parts complete (the activity heartbeats). */
  onProgress?: (loaded: number) => void;
}

function objectParams(target: UploadTarget) {
  return {
    Bucket: target.bucket, Key: target.key, ContentType: target.contentType,
    ...(target.contentEncoding ? { ContentEncoding: target.contentEncoding } : {}),
    ...sseParams(target.encryption),
  };
}

/**
 * Uploads a local file by streaming it: up to one part in a single PutObject, larger as a
 * lib-storage multipart upload (PART_SIZE parts, QUEUE_SIZE in flight: bounded memory),
 * aborted on failure (leavePartsOnError false); one a killed process leaves open is aborted by
 * the next attempt (abortOpenUploads). A bucket policy that denies PutObject requests without
 * an encryption header (Segment's) can deny UploadPart, which carries none: then the file goes
 * up again in one PutObject (with the header), up to S3's 5 GB limit.
 */
export async function uploadFile(target: UploadTarget, file: string, rows: number): Promise<ExportedFile & { method: 'put' | 'multipart' }> {
  const size = statSync(file).size;
  const measure = new Measure();
  const put = async () => {
    await target.s3.send(new PutObjectCommand({ ...objectParams(target), Body: createReadStream(file), ContentLength: size }));
    target.onProgress?.(size);
  };
  const hashing = finished(createReadStream(file).pipe(measure).resume());
  if (size <= PART_SIZE) {
    await put();
    await hashing;
    return { key: target.key, rows, bytes: size, sha256: measure.hash.digest('hex'), method: 'put' };
  }
  try {
    const upload = new Upload({
      client: target.s3, params: { ...objectParams(target), Body: createReadStream(file) },
      partSize: PART_SIZE, queueSize: QUEUE_SIZE, leavePartsOnError: false,
    });
    upload.on('httpUploadProgress', (progress) => target.onProgress?.(progress.loaded ?? 0));
    await upload.done();
    await hashing;
    return { key: target.key, rows, bytes: size, sha256: measure.hash.digest('hex'), method: 'multipart' };
  } catch (error) {
    if (describeS3Error(error).kind !== 'access-denied' || size > MAX_SINGLE_PUT) throw error;
    await put();
    await hashing;
    return { key: target.key, rows, bytes: size, sha256: measure.hash.digest('hex'), method: 'put' };
  }
}
