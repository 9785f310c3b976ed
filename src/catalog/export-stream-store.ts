import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../duckdb/query-rows';
import { inTransaction } from '../duckdb/in-transaction';
import { catalogTables } from './catalog-tables';

/**
 * Who writes an export path: one stream (a table, in one format, by one clock) per folder of a
 * destination (endpoint, bucket and `{prefix}/segment-logs/{source-id}` or `{prefix}/{dataset}`).
 * Two streams in one folder would write the same keys and delete each other's batches.
 */
export interface ExportStreamClaim {
  /** Where: `s3://bucket/folder at endpoint` (the key). */
  location: string;
  bucket: string;
  folder: string;
  table: string;
  sourceId: string;
  format: string;
  clock: string;
  timeColumn: string | null;
  /** "stream", or "migration-test" for a migration's test export (released when its test folder is removed). */
  purpose: 'stream' | 'migration-test';
  /** The destination connection that claimed it first. */
  destination: string;
  claimedAt?: string;
}

const ensureStreamTable = catalogTables(
  `CREATE TABLE IF NOT EXISTS s3bridge.export_streams (
    location VARCHAR PRIMARY KEY,
    bucket VARCHAR NOT NULL,
    folder VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    clock VARCHAR NOT NULL,
    time_column VARCHAR,
    purpose VARCHAR NOT NULL,
    destination VARCHAR NOT NULL,
    claimed_at TIMESTAMPTZ NOT NULL
  )`,
);

type ClaimRow = { location: string; bucket: string; folder: string; table_name: string; source_id: string; format: string; clock: string; time_column: string | null; purpose: string; destination: string; claimed_at: string };

function claimOf(row: ClaimRow): ExportStreamClaim {
  return {
    location: row.location, bucket: row.bucket, folder: row.folder, table: row.table_name, sourceId: row.source_id, format: row.format,
    clock: row.clock, timeColumn: row.time_column, purpose: row.purpose === 'migration-test' ? 'migration-test' : 'stream', destination: row.destination,
    claimedAt: row.claimed_at,
  };
}

const SELECT_CLAIMS = `SELECT location, bucket, folder, table_name, source_id, format, clock, time_column, purpose, destination, claimed_at::VARCHAR AS claimed_at
  FROM s3bridge.export_streams`;

/** Whether two claims are the same stream: the same table in the same format by the same clock (and time column), for the same purpose. */
function sameStream(a: ExportStreamClaim, b: ExportStreamClaim): boolean {
  return a.table === b.table && a.format === b.format && a.clock === b.clock && (a.timeColumn ?? null) === (b.timeColumn ?? null) && a.purpose === b.purpose;
}

/**
 * Claims `claim.location` for its stream, or returns the claim that holds it for another stream.
 * Claims are permanent for streams (a folder's files belong to its stream); a test's is released
 * with its folder.
 */
export async function claimExportStream(db: DuckDBConnection, claim: ExportStreamClaim): Promise<ExportStreamClaim | undefined> {
  await ensureStreamTable(db);
  return inTransaction(db, async () => {
    const [held] = await queryRows<ClaimRow>(db, `${SELECT_CLAIMS} WHERE location = $location`, { location: claim.location });
    if (held) return sameStream(claimOf(held), claim) ? undefined : claimOf(held);
    await db.run(`INSERT INTO s3bridge.export_streams VALUES ($location, $bucket, $folder, $table, $sourceId, $format, $clock, $timeColumn, $purpose, $destination, now())`, {
      location: claim.location, bucket: claim.bucket, folder: claim.folder, table: claim.table, sourceId: claim.sourceId, format: claim.format,
      clock: claim.clock, timeColumn: claim.timeColumn, purpose: claim.purpose, destination: claim.destination,
    });
    return undefined;
  });
}

/** The migration-test claims in `bucket` under `folderPrefix` (a test prefix), at any endpoint (the caller matches its own). */
export async function testStreamClaims(db: DuckDBConnection, bucket: string, folderPrefix: string): Promise<ExportStreamClaim[]> {
  await ensureStreamTable(db);
  return (await queryRows<ClaimRow>(db, `${SELECT_CLAIMS} WHERE purpose = 'migration-test' AND bucket = $bucket AND starts_with(folder, $folderPrefix) ORDER BY location`,
    { bucket, folderPrefix: `${folderPrefix}/` })).map(claimOf);
}

/** Forgets claims (a removed test folder's). */
export async function releaseExportStreams(db: DuckDBConnection, locations: string[]): Promise<void> {
  await ensureStreamTable(db);
  for (const location of locations) await db.run('DELETE FROM s3bridge.export_streams WHERE location = $location', { location });
}
