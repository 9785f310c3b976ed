import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { quoteLiteral } from '../../src/duckdb/sql';

export type FileFormat = 'parquet' | 'csv' | 'csv.gz' | 'ndjson' | 'ndjson.gz';

const COPY_OPTIONS: Record<FileFormat, string> = {
  parquet: 'FORMAT parquet',
  csv: 'FORMAT csv, HEADER true',
  'csv.gz': "FORMAT csv, HEADER true, COMPRESSION 'gzip'",
  ndjson: 'FORMAT json',
  'ndjson.gz': "FORMAT json, COMPRESSION 'gzip'",
};

let duck: Promise<DuckDBInstance> | undefined;

/** Renders a SELECT into a file of the given format with DuckDB (test fixtures only). */
export async function renderFile(sql: string, format: FileFormat): Promise<Buffer> {
  duck ??= DuckDBInstance.create(':memory:');
  const db = await (await duck).connect();
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-fixture-'));
  const file = path.join(dir, `data.${format}`);
  try {
    await db.run(`COPY (${sql}) TO ${quoteLiteral(file)} (${COPY_OPTIONS[format]})`);
    return readFileSync(file);
  } finally {
    db.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function putObject(s3: S3Client, bucket: string, key: string, body: Buffer | string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** Writes the result of `sql` to s3://bucket/key in the given format. */
export async function putTable(s3: S3Client, bucket: string, key: string, sql: string, format: FileFormat = 'parquet') {
  await putObject(s3, bucket, key, await renderFile(sql, format));
}
