import type { DuckDBConnection } from '@duckdb/node-api';
import { ApplicationFailure } from '@temporalio/common';
import type { DiscoveredTable, TableDrift } from '../workflow-safe/catalog/discovered-table';
import { diffTable, isSchemaChange } from '../workflow-safe/discovery/schema-diff';
import { queryRows } from '../duckdb/query-rows';
import { catalogTables } from './catalog-tables';
import { NO_PENDING_DRIFT } from '../workflow-safe/failure-types';

// baseline: the table as imports last followed it; a pending diff is always against it.
export const ensureTableDriftTable = catalogTables(
  `CREATE TABLE IF NOT EXISTS s3bridge.table_drift (
    connection VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    baseline JSON NOT NULL,
    diff JSON NOT NULL,
    detected_at TIMESTAMPTZ NOT NULL,
    approved_at TIMESTAMPTZ,
    PRIMARY KEY (connection, name)
  )`,
);

interface DriftRow {
  name: string;
  status: 'pending' | 'approved';
  baseline: string;
  diff: string;
  detected_at: string;
  approved_at: string | null;
}

const SELECT_DRIFT = `SELECT name, status, baseline, diff, strftime(detected_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS detected_at,
  strftime(approved_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS approved_at FROM s3bridge.table_drift`;

function toDrift(row: DriftRow): TableDrift {
  return {
    status: row.status,
    diff: JSON.parse(row.diff) as TableDrift['diff'],
    detectedAt: row.detected_at,
    ...(row.approved_at ? { approvedAt: row.approved_at } : {}),
  };
}

/** Every table of the connection with a drift record (pending or approved), by table name. */
export async function listTableDrift(db: DuckDBConnection, connection: string): Promise<Map<string, TableDrift>> {
  await ensureTableDriftTable(db);
  const rows = await queryRows<DriftRow>(db, `${SELECT_DRIFT} WHERE connection = $connection`, { connection });
  return new Map(rows.map((row) => [row.name, toDrift(row)]));
}

/** The table's drift state; undefined when its schema never changed under review. */
export async function getTableDrift(db: DuckDBConnection, connection: string, table: string): Promise<TableDrift | undefined> {
  await ensureTableDriftTable(db);
  const [row] = await queryRows<DriftRow>(db, `${SELECT_DRIFT} WHERE connection = $connection AND name = $table`, { connection, table });
  return row ? toDrift(row) : undefined;
}

/**
 * Holds a table's schema change for review (inside the caller's transaction). A change on
 * top of a pending one is diffed against the same baseline; a change reverted clears the hold.
 */
export async function recordTableDrift(db: DuckDBConnection, before: DiscoveredTable, after: DiscoveredTable, at: string): Promise<boolean> {
  await ensureTableDriftTable(db);
  const [existing] = await queryRows<DriftRow>(
    db, `${SELECT_DRIFT} WHERE connection = $connection AND name = $name`, { connection: after.connection, name: after.name });
  const baseline = existing?.status === 'pending' ? (JSON.parse(existing.baseline) as DiscoveredTable) : before;
  const diff = diffTable(baseline, after);
  if (!diff || !isSchemaChange(diff)) {
    if (existing?.status === 'pending') {
      await db.run('DELETE FROM s3bridge.table_drift WHERE connection = $connection AND name = $name', { connection: after.connection, name: after.name });
    }
    return false;
  }
  const schemaOnly = { ...diff, newPartitionValues: [] };
  await db.run(
    `INSERT OR REPLACE INTO s3bridge.table_drift VALUES ($connection, $name, 'pending', $baseline, $diff, $at::TIMESTAMPTZ, NULL)`,
    {
      connection: after.connection,
      name: after.name,
      baseline: JSON.stringify(baseline),
      diff: JSON.stringify(schemaOnly),
      at: existing?.status === 'pending' ? existing.detected_at : at,
    },
  );
  return true;
}

/** Approves a table's pending schema change; imports waiting on it may carry on. Idempotent. */
export async function approveTableDrift(db: DuckDBConnection, connection: string, table: string): Promise<TableDrift> {
  const drift = await getTableDrift(db, connection, table);
  if (!drift) {
    throw ApplicationFailure.create({
      type: NO_PENDING_DRIFT,
      nonRetryable: true,
      message: `table "${table}" of connection "${connection}" has no schema change waiting for approval`,
    });
  }
  if (drift.status === 'approved') return drift;
  await db.run(
    `UPDATE s3bridge.table_drift SET status = 'approved', approved_at = now() WHERE connection = $connection AND name = $table`,
    { connection, table });
  return (await getTableDrift(db, connection, table))!;
}
