import type { DuckDBConnection } from '@duckdb/node-api';
import type { Connection } from '../workflow-safe/connection';
import type { ConnectionStatus, ValidationReport } from '../workflow-safe/validation/validation-report';
import { queryRows } from '../duckdb/query-rows';
import { catalogTables } from './catalog-tables';

/** The last validation of a connection: its status, when, why, and the report. */
export interface StoredConnectionStatus {
  name: string;
  status: ConnectionStatus;
  /** When the status last changed (ISO). */
  updatedAt: string;
  reason: string | undefined;
  report: ValidationReport;
  /** The connection as validated: a later edit makes the status stale. */
  config: Connection;
  workflowId: string;
}

export const ensureStatusTable = catalogTables(
  `CREATE TABLE IF NOT EXISTS s3bridge.connection_status (
    name VARCHAR PRIMARY KEY,
    status VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    reason VARCHAR,
    report JSON NOT NULL,
    config JSON NOT NULL,
    workflow_id VARCHAR NOT NULL
  )`,
);

/** Records the status (idempotent: a retried write stores the same row). */
export async function saveConnectionStatus(
  db: DuckDBConnection,
  entry: { connection: Connection; report: ValidationReport; workflowId: string },
): Promise<void> {
  await ensureStatusTable(db);
  const { report } = entry;
  await db.run(
    `INSERT OR REPLACE INTO s3bridge.connection_status VALUES ($name, $status, $at::TIMESTAMPTZ, $reason, $report, $config, $workflowId)`,
    {
      name: entry.connection.name,
      status: report.status,
      at: report.finishedAt ?? report.startedAt,
      reason: report.reason ?? null,
      report: JSON.stringify(report),
      config: JSON.stringify(entry.connection),
      workflowId: entry.workflowId,
    },
  );
}

interface Row {
  name: string;
  status: string;
  updated_at: string;
  reason: string | null;
  report: string;
  config: string;
  workflow_id: string;
}

function fromRow(row: Row): StoredConnectionStatus {
  return {
    name: row.name,
    status: row.status as ConnectionStatus,
    updatedAt: row.updated_at,
    reason: row.reason ?? undefined,
    report: JSON.parse(row.report) as ValidationReport,
    config: JSON.parse(row.config) as Connection,
    workflowId: row.workflow_id,
  };
}

const SELECT = `SELECT name, status, strftime(updated_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS updated_at,
  reason, report, config, workflow_id FROM s3bridge.connection_status`;

export async function findConnectionStatus(db: DuckDBConnection, name: string): Promise<StoredConnectionStatus | undefined> {
  await ensureStatusTable(db);
  const [row] = await queryRows<Row>(db, `${SELECT} WHERE name = $name`, { name });
  return row ? fromRow(row) : undefined;
}

export async function listConnectionStatuses(db: DuckDBConnection): Promise<StoredConnectionStatus[]> {
  await ensureStatusTable(db);
  return (await queryRows<Row>(db, `${SELECT} ORDER BY name`)).map(fromRow);
}
