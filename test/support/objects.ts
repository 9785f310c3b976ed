import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { renderFile, type SampleFormat } from '../../src/demo/render-file';

export type FileFormat = SampleFormat;
export { renderFile };

export async function putObject(s3: S3Client, bucket: string, key: string, body: Buffer | string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** Writes the result of `sql` to s3://bucket/key in the given format. */
export async function putTable(s3: S3Client, bucket: string, key: string, sql: string, format: FileFormat = 'parquet') {
  await putObject(s3, bucket, key, await renderFile(sql, format));
}
