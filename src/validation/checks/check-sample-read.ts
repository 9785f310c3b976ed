import type { DuckDBConnection } from '@duckdb/node-api';
import { s3ObjectUrl, SAMPLE_READ_BUDGET_BYTES, withS3DuckDB } from '../../duckdb/s3-session';
import { classifyDuckDBReadError } from '../../duckdb/classify-read-error';
import type { DataFormat } from '../../workflow-safe/connection';
import type { FileFormat } from '../../workflow-safe/catalog/discovered-table';
import { formatFromKey } from '../../workflow-safe/formats/file-format';
import { readerFor } from '../../formats';
import type { CheckContext, CheckOutcome } from '../check-context';
import { scrubValues } from '../../workflow-safe/excerpt';
import { s3FailureOutcome } from '../s3-failure-row';
import { readObjectHead } from '../../s3/read-object-head';

/**
 * The formats to try for a key, as discovery and import decide them: the extension's, then the
 * connection's format; a bare `.gz` (or no extension) may be gzipped NDJSON or CSV.
 */
function formatsFor(key: string, format: DataFormat): FileFormat[] {
  const byKey = formatFromKey(key);
  if (byKey && byKey !== 'gz') return [byKey];
  if (format !== 'auto') return [format];
  return byKey === 'gz' ? ['ndjson.gz', 'csv.gz'] : ['ndjson', 'csv'];
}

/** How the formats module read one file ("csv: 3 columns"), or each reader's error. Transient errors propagate (Temporal retries). */
async function tryRead(format: DataFormat, db: DuckDBConnection, url: string, key: string): Promise<{ read: string } | { errors: string }> {
  const errors: string[] = [];
  for (const candidate of formatsFor(key, format)) {
    const reader = readerFor(candidate);
    try {
      await reader.sample(db, url, 10);
      const columns = await reader.describe(db, url);
      return { read: `${candidate}: ${columns.length} columns` };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (classifyDuckDBReadError(message) === 'transient') throw error;
      // DuckDB quotes the values it could not read: only their excerpts reach the report (history).
      errors.push(`${candidate}: ${scrubValues(message)}`);
    }
  }
  return { errors: errors.join('; ') };
}

/**
 * GetObject works on a sample data file and DuckDB can read it. One unreadable file (corrupt,
 * or in another format) is reported and the next sample is tried: it fails only when none reads.
 */
export async function checkSampleRead(ctx: CheckContext): Promise<CheckOutcome> {
  const { connection, facts } = ctx;
  if (connection.direction !== 'source') throw new Error('sample-read runs on sources only');
  const keys = facts.sampleKeys?.length ? facts.sampleKeys : facts.sampleKey ? [facts.sampleKey] : [];
  if (keys.length === 0) throw new Error('sample-read needs the sample key found by source-layout');
  const first = s3ObjectUrl(connection.bucket, keys[0]!);
  const tried = `GetObject on ${first}, then read it with DuckDB${keys.length > 1 ? ` (up to ${keys.length} sample files until one reads)` : ''}`;
  try {
    const s3 = await ctx.s3();
    // One byte, whatever the server sends.
    await readObjectHead(s3, connection.bucket, keys[0]!, 1);
  } catch (error) {
    // A permission is missing (or the object vanished): the same for every file, so reported at once.
    return s3FailureOutcome(error, connection, { action: 's3:GetObject', tried, target: first });
  }
  const credentials = await ctx.credentials();
  const failures: string[] = [];
  const read = await withS3DuckDB(ctx.settings, connection, credentials, async (db) => {
    for (const key of keys) {
      const url = s3ObjectUrl(connection.bucket, key);
      const result = await tryRead(connection.format, db, url, key);
      if ('read' in result) return `${url} as ${result.read}`;
      failures.push(`${url}: ${result.errors}`);
    }
    return undefined;
  }, { readBudgetBytes: SAMPLE_READ_BUDGET_BYTES });
  if (read !== undefined) {
    const others = failures.length > 0 ? `; could not read ${failures.length} other sample file${failures.length === 1 ? '' : 's'}: ${failures.join(' | ')}` : '';
    return { row: { status: 'ok', tried, detail: `DuckDB read ${read}${others}` } };
  }
  return {
    row: {
      status: 'failed',
      tried,
      detail: `DuckDB cannot read ${keys.length === 1 ? '' : `any of the ${keys.length} sample files: `}${failures.join(' | ')}`,
      fix: `check that the connection's format ("${connection.format}") matches the files, and replace ${keys.join(', ')} if ${keys.length === 1 ? 'it is' : 'they are'} corrupt`,
    },
  };
}
