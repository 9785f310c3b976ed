import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGzip, type Gzip } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Encryption } from '../shared/connection';
import { sseParams } from '../s3/sse-params';
import type { ExportedFile } from '../catalog/export-ledger-store';

/** Multipart part size and parts in flight: the most an upload holds in memory is about their product. */
export const PART_SIZE = 5 * 1024 * 1024;
const QUEUE_SIZE = 2;

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

/**
 * Streams `body` to S3 with lib-storage's Upload: a small object goes up in one PutObject, a
 * larger one as a multipart upload of PART_SIZE parts, QUEUE_SIZE at a time (bounded memory).
 * On failure the upload is aborted (leavePartsOnError false); a killed process leaves it open
 * for the next attempt's abortOpenUploads.
 */
function startUpload(target: UploadTarget, body: Readable): Promise<unknown> {
  const upload = new Upload({
    client: target.s3,
    params: {
      Bucket: target.bucket, Key: target.key, Body: body, ContentType: target.contentType,
      ...(target.contentEncoding ? { ContentEncoding: target.contentEncoding } : {}),
      ...sseParams(target.encryption),
    },
    partSize: PART_SIZE,
    queueSize: QUEUE_SIZE,
    leavePartsOnError: false,
  });
  upload.on('httpUploadProgress', (progress) => target.onProgress?.(progress.loaded ?? 0));
  return upload.done();
}

/** One gzipped NDJSON file being written: lines in, a streamed upload out. */
export class GzipLinesUpload {
  rows = 0;
  /** Uncompressed bytes written (what closes a batch: deterministic, unlike compressed output timing). */
  rawBytes = 0;
  private readonly gzip: Gzip = createGzip();
  private readonly measure = new Measure();
  private readonly body = new PassThrough();
  private readonly done: Promise<unknown>;
  private failed: unknown;

  constructor(private readonly target: UploadTarget) {
    this.gzip.pipe(this.measure).pipe(this.body);
    this.done = startUpload(target, this.body);
    this.done.catch((error: unknown) => {
      this.failed = error;
    });
  }

  async write(line: string): Promise<void> {
    if (this.failed) throw this.failed;
    const text = `${line}\n`;
    this.rows += 1;
    this.rawBytes += Buffer.byteLength(text);
    if (!this.gzip.write(text)) await Promise.race([once(this.gzip, 'drain'), this.done]);
  }

  async finish(): Promise<ExportedFile> {
    this.gzip.end();
    await this.done;
    return { key: this.target.key, rows: this.rows, bytes: this.measure.bytes, sha256: this.measure.hash.digest('hex') };
  }

  /** Gives up on the file: the upload aborts (its body ends in error). */
  async abort(error: Error): Promise<void> {
    this.gzip.destroy(error);
    this.body.destroy(error);
    await this.done.catch(() => undefined);
  }
}

/** Uploads a local file (a Parquet batch) by streaming it; returns its size and SHA-256. */
export async function uploadFile(target: UploadTarget, file: string, rows: number): Promise<ExportedFile> {
  const measure = new Measure();
  const body = new PassThrough();
  createReadStream(file).pipe(measure).pipe(body);
  await startUpload(target, body);
  return { key: target.key, rows, bytes: measure.bytes, sha256: measure.hash.digest('hex') };
}
