import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { renderFile } from './render-file';

export const DEMO_BUCKET = 's3bridge-demo';
export const DEMO_PREFIX = 'analytics';
const DEMO_DAYS = ['2025-01-01', '2025-01-02', '2025-01-03', '2025-01-04', '2025-01-05', '2025-01-06', '2025-01-07'];

/** Rows per day in the sample `page_views` table: 1000 + 10 × day-of-month. */
export function demoRowsForDay(day: string): number {
  return 1000 + 10 * Number(day.slice(8, 10));
}

/**
 * Writes the sample schema: a Permutive-style schema prefix with a Hive-partitioned
 * `page_views` table (one Parquet file per day). Idempotent: objects are overwritten.
 */
export async function seedSampleData(s3: S3Client): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: DEMO_BUCKET })).catch((error: { name?: string }) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });
  for (const day of DEMO_DAYS) {
    const rows = demoRowsForDay(day);
    const body = await renderFile(
      `SELECT 'user-' || (i % 97) AS user_id, 'page_view' AS event,
              TIMESTAMP '${day} 00:00:00' + to_seconds(i * 37 % 86400) AS ts,
              ['/', '/pricing', '/docs', '/blog'][1 + i % 4] AS path
       FROM range(${rows}) t(i)`,
      'parquet',
    );
    await s3.send(new PutObjectCommand({ Bucket: DEMO_BUCKET, Key: `${DEMO_PREFIX}/page_views/date=${day}/part-0.parquet`, Body: body }));
  }
}
