import type { DuckDBConnection } from '@duckdb/node-api';
import type { DiscoveredTable } from '../workflow-safe/catalog/discovered-table';
import { queryRows } from '../duckdb/query-rows';
import { inTransaction } from '../duckdb/in-transaction';
import { catalogTables } from './catalog-tables';

/**
 * Work in progress of one discovery run: the table folders to look at (so batch activities
 * take offsets, not name lists) and each table's result as it is found (so a retried batch
 * resumes, and workflow history carries counts only).
 */
export interface TableCandidate {
  name: string;
  /** Full key prefix, ending with "/". */
  prefix: string;
  segmentSource: boolean;
}

export type StagedResult =
  | { name: string; status: 'discovered'; table: DiscoveredTable; objects: number; bytes: number }
  | { name: string; status: 'skipped'; reason: string; objects: number; bytes: number };

const ensureStagingTables = catalogTables(
  `CREATE TABLE IF NOT EXISTS s3bridge.discovery_candidates (
    discovery_id VARCHAR NOT NULL, idx INTEGER NOT NULL, name VARCHAR NOT NULL, prefix VARCHAR NOT NULL,
    segment_source BOOLEAN NOT NULL, PRIMARY KEY (discovery_id, idx))`,
  `CREATE TABLE IF NOT EXISTS s3bridge.discovery_results (
    discovery_id VARCHAR NOT NULL, name VARCHAR NOT NULL, result JSON NOT NULL, PRIMARY KEY (discovery_id, name))`,
);

/** Records the run's table folders in listing order (replacing any from an earlier attempt). */
export async function stageCandidates(db: DuckDBConnection, discoveryId: string, candidates: TableCandidate[]): Promise<void> {
  await ensureStagingTables(db);
  await inTransaction(db, async () => {
    await db.run('DELETE FROM s3bridge.discovery_candidates WHERE discovery_id = $discoveryId', { discoveryId });
    await db.run('DELETE FROM s3bridge.discovery_results WHERE discovery_id = $discoveryId', { discoveryId });
    const appender = await db.createAppender('discovery_candidates', 's3bridge');
    candidates.forEach((c, idx) => {
      appender.appendVarchar(discoveryId);
      appender.appendInteger(idx);
      appender.appendVarchar(c.name);
      appender.appendVarchar(c.prefix);
      appender.appendBoolean(c.segmentSource);
      appender.endRow();
    });
    appender.closeSync();
  });
}

export async function readCandidates(db: DuckDBConnection, discoveryId: string, offset: number, limit: number): Promise<TableCandidate[]> {
  await ensureStagingTables(db);
  const rows = await queryRows<{ name: string; prefix: string; segment_source: boolean }>(db,
    `SELECT name, prefix, segment_source FROM s3bridge.discovery_candidates
     WHERE discovery_id = $discoveryId AND idx >= $offset AND idx < $end ORDER BY idx`,
    { discoveryId, offset, end: offset + limit });
  return rows.map((r) => ({ name: r.name, prefix: r.prefix, segmentSource: r.segment_source }));
}

export async function stageResult(db: DuckDBConnection, discoveryId: string, result: StagedResult): Promise<void> {
  await ensureStagingTables(db);
  await db.run('INSERT OR REPLACE INTO s3bridge.discovery_results VALUES ($discoveryId, $name, $result)',
    { discoveryId, name: result.name, result: JSON.stringify(result) });
}

/** Results already staged for these tables (a retried batch skips them). */
export async function readStagedResults(db: DuckDBConnection, discoveryId: string): Promise<StagedResult[]> {
  await ensureStagingTables(db);
  const rows = await queryRows<{ result: string }>(db,
    'SELECT result FROM s3bridge.discovery_results WHERE discovery_id = $discoveryId ORDER BY name', { discoveryId });
  return rows.map((r) => JSON.parse(r.result) as StagedResult);
}

/** Drops a finished run's staging (inside the caller's transaction). */
export async function clearStaging(db: DuckDBConnection, discoveryId: string): Promise<void> {
  await ensureStagingTables(db);
  await db.run('DELETE FROM s3bridge.discovery_candidates WHERE discovery_id = $discoveryId', { discoveryId });
  await db.run('DELETE FROM s3bridge.discovery_results WHERE discovery_id = $discoveryId', { discoveryId });
}
