import { LIST, listValue, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../duckdb/query-rows';
import type { SourceScan } from './warehouse-sink';

const FILES_TYPE = { files: LIST(VARCHAR) };

/** Why a source scan did not commit: raised inside the transaction (which it undoes), returned by the sink as a value. */
export class ScanDeclined extends Error {
  constructor(readonly reason: 'rows-rejected' | 'source-unreadable', message: string) {
    super(message);
  }
}

/**
 * For a source scan: checks the warehouse may read the bucket, gives this connection access to
 * it for the commit alone (the secret is dropped after, whatever happens), reads in UTC like
 * the S3 DuckDB, and lets the caller's abort interrupt the read.
 */
export async function withSourceAccess<T>(
  db: DuckDBConnection,
  { scan, onRevokeFailed }: { scan: SourceScan | undefined; onRevokeFailed?: () => void },
  fn: () => Promise<T>,
): Promise<T> {
  if (!scan) return fn();
  const [setting] = await queryRows<{ dirs: string[] | null }>(db, "SELECT current_setting('allowed_directories') AS dirs");
  // DuckDB shows `s3://b/` as `s3:/b/` (its path normalization).
  if (!(setting?.dirs ?? []).some((dir) => dir.replace(/^s3:\/+/, 's3://') === `s3://${scan.bucket}/`)) {
    throw new ScanDeclined('source-unreadable', `the warehouse cannot read s3://${scan.bucket}/`);
  }
  await db.run("SET SESSION TimeZone = 'UTC'");
  const stop = () => db.interrupt();
  scan.signal?.addEventListener('abort', stop);
  // An abort while the day waited for the write queue fired before the listener existed.
  if (scan.signal?.aborted) {
    scan.signal.removeEventListener('abort', stop);
    throw new Error('the load was cancelled before its commit');
  }
  const revoke = await scan.grantAccess(db);
  try {
    return await fn();
  } finally {
    scan.signal?.removeEventListener('abort', stop);
    // The commit's outcome stands either way; a secret that could not be dropped goes with the instance.
    await revoke().catch(() => onRevokeFailed?.());
  }
}

/** Inserts a source scan's rows; a bad row, a count short of the footers' or a failed check declines (and undoes) the commit. */
export async function insertSourceScan(db: DuckDBConnection, target: string, scan: SourceScan): Promise<number> {
  let inserted = 0;
  for (const select of scan.selects) {
    let reader;
    try {
      reader = await db.runAndReadAll(`INSERT INTO ${target} BY NAME ${select.sql}`, { ...select.params, files: listValue(select.files) }, FILES_TYPE);
    } catch (error) {
      if (String(error).includes(scan.rejectedMarker)) throw new ScanDeclined('rows-rejected', 'a row failed the checks');
      throw error;
    }
    inserted += Number((reader.getRowObjectsJS()[0] as { Count?: bigint } | undefined)?.Count ?? 0);
  }
  if (scan.expectedRows !== undefined && inserted !== scan.expectedRows) {
    throw new ScanDeclined('rows-rejected', `${scan.expectedRows - inserted} of ${scan.expectedRows} rows failed the checks`);
  }
  const declined = await scan.verify?.(db);
  if (declined) throw new ScanDeclined('rows-rejected', declined);
  return inserted;
}
