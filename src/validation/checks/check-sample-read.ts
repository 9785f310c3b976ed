import { GetObjectCommand } from '@aws-sdk/client-s3';
import { withS3DuckDB } from '../../duckdb/s3-session';
import { queryRows } from '../../duckdb/query-rows';
import { classifyDuckDBReadError } from '../../duckdb/classify-read-error';
import type { DataFormat } from '../../shared/connection';
import type { CheckContext, CheckOutcome } from '../check-context';
import { scrubValues } from '../../shared/excerpt';
import { s3FailureOutcome } from '../s3-failure-row';

const READERS = {
  parquet: 'read_parquet($url)',
  csv: 'read_csv($url)',
  ndjson: "read_json($url, format = 'newline_delimited')",
} as const;

/** The DuckDB readers to try for a key: by extension, then by the configured format; a bare `.gz` may be CSV or NDJSON. */
function readersFor(key: string, format: DataFormat): (keyof typeof READERS)[] {
  const k = key.toLowerCase();
  if (k.endsWith('.parquet') || format === 'parquet') return ['parquet'];
  if (/\.(csv|tsv)(\.gz)?$/.test(k) || format === 'csv' || format === 'csv.gz') return ['csv'];
  if (/\.(ndjson|jsonl|json)(\.gz)?$/.test(k) || format === 'ndjson' || format === 'ndjson.gz') return ['ndjson'];
  return ['ndjson', 'csv'];
}

/** GetObject works on a sample data file and DuckDB can read it. */
export async function checkSampleRead(ctx: CheckContext): Promise<CheckOutcome> {
  const { connection, facts } = ctx;
  if (connection.direction !== 'source') throw new Error('sample-read runs on sources only');
  const key = facts.sampleKey;
  if (!key) throw new Error('sample-read needs the sample key found by source-layout');
  const url = `s3://${connection.bucket}/${key}`;
  const tried = `GetObject on ${url}, then read it with DuckDB`;
  try {
    const s3 = await ctx.s3();
    const answer = await s3.send(new GetObjectCommand({ Bucket: connection.bucket, Key: key, Range: 'bytes=0-0' }));
    await answer.Body?.transformToByteArray();
  } catch (error) {
    return s3FailureOutcome(error, connection, { action: 's3:GetObject', tried, target: url });
  }
  const credentials = await ctx.credentials();
  const errors: string[] = [];
  for (const reader of readersFor(key, connection.format)) {
    try {
      const columns = await withS3DuckDB(ctx.settings, connection, credentials, async (db) => {
        await queryRows(db, `SELECT * FROM ${READERS[reader]} LIMIT 10`, { url });
        return queryRows<{ column_name: string }>(db, `DESCRIBE SELECT * FROM ${READERS[reader]}`, { url });
      });
      return { row: { status: 'ok', tried, detail: `DuckDB read ${url} as ${reader}: ${columns.length} columns` } };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (classifyDuckDBReadError(message) === 'transient') throw error;
      // DuckDB quotes the values it could not read: only their excerpts reach the report (history).
      errors.push(`${reader}: ${scrubValues(message)}`);
    }
  }
  return {
    row: {
      status: 'failed',
      tried,
      detail: `DuckDB cannot read ${url}: ${errors.join('; ')}`,
      fix: `check that the connection's format ("${connection.format}") matches the files, and replace ${key} if it is corrupt`,
    },
  };
}
