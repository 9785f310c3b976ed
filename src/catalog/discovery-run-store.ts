import type { DuckDBConnection } from '@duckdb/node-api';
import type { DiscoveryReport } from '../workflow-safe/discovery/discovery-report';
import { queryRows } from '../duckdb/query-rows';
import { catalogTables } from './catalog-tables';

const ensureRunTable = catalogTables(
  `CREATE TABLE IF NOT EXISTS s3bridge.discovery_runs (
    discovery_id VARCHAR PRIMARY KEY, connection VARCHAR NOT NULL, finished_at TIMESTAMPTZ NOT NULL, report JSON NOT NULL)`,
);

/** Keeps a run's report (its diff is the resync's answer); a retried commit overwrites its own row. */
export async function saveDiscoveryReport(db: DuckDBConnection, report: DiscoveryReport): Promise<void> {
  await ensureRunTable(db);
  await db.run('INSERT OR REPLACE INTO s3bridge.discovery_runs VALUES ($id, $connection, $at::TIMESTAMPTZ, $report)',
    { id: report.discoveryId, connection: report.connection, at: report.finishedAt, report: JSON.stringify(report) });
}

export async function findDiscoveryReport(db: DuckDBConnection, discoveryId: string): Promise<DiscoveryReport | undefined> {
  await ensureRunTable(db);
  const [row] = await queryRows<{ report: string }>(db,
    'SELECT report FROM s3bridge.discovery_runs WHERE discovery_id = $discoveryId', { discoveryId });
  return row ? (JSON.parse(row.report) as DiscoveryReport) : undefined;
}

/** The connection's discovery reports, newest first. */
export async function listDiscoveryReports(db: DuckDBConnection, connection: string, limit = 20): Promise<DiscoveryReport[]> {
  await ensureRunTable(db);
  const rows = await queryRows<{ report: string }>(db,
    'SELECT report FROM s3bridge.discovery_runs WHERE connection = $connection ORDER BY finished_at DESC LIMIT $limit',
    { connection, limit });
  return rows.map((r) => JSON.parse(r.report) as DiscoveryReport);
}
