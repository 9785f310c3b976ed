import type { DuckDBConnection } from '@duckdb/node-api';
import { ApplicationFailure } from '@temporalio/common';
import type { DiscoveredTable, TableDrift } from '../workflow-safe/catalog/discovered-table';
import { queryRows } from '../duckdb/query-rows';
import { inTransaction } from '../duckdb/in-transaction';
import { getTableDrift, listTableDrift } from './table-drift-store';
import { catalogTables } from './catalog-tables';
import { TABLE_NOT_DISCOVERED } from '../workflow-safe/failure-types';

export const ensureDiscoveredTableTables = catalogTables(
  `CREATE TABLE IF NOT EXISTS s3bridge.discovered_tables (
    connection VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    descriptor JSON NOT NULL,
    discovered_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (connection, name)
  )`,
);

/** Replaces the connection's discovered tables with this discovery's result, atomically. */
export async function replaceDiscoveredTables(db: DuckDBConnection, connection: string, tables: DiscoveredTable[]): Promise<void> {
  await ensureDiscoveredTableTables(db);
  await inTransaction(db, () => writeDiscoveredTables(db, connection, tables));
}

/** The same without a transaction of its own, for callers that commit more alongside (a discovery run). */
export async function writeDiscoveredTables(db: DuckDBConnection, connection: string, tables: DiscoveredTable[]): Promise<void> {
  await ensureDiscoveredTableTables(db);
  await db.run('DELETE FROM s3bridge.discovered_tables WHERE connection = $connection', { connection });
  for (const table of tables) {
    // Drift is catalog state of its own (table_drift), attached when read.
    const { drift: _drift, ...descriptor } = table;
    await db.run(
      'INSERT INTO s3bridge.discovered_tables VALUES ($connection, $name, $descriptor, $at::TIMESTAMPTZ)',
      { connection, name: table.name, descriptor: JSON.stringify(descriptor), at: table.discoveredAt },
    );
  }
}

export async function listDiscoveredTables(db: DuckDBConnection, connection: string): Promise<DiscoveredTable[]> {
  await ensureDiscoveredTableTables(db);
  const rows = await queryRows<{ descriptor: string }>(
    db, 'SELECT descriptor FROM s3bridge.discovered_tables WHERE connection = $connection ORDER BY name', { connection });
  const drift = await listTableDrift(db, connection);
  return rows.map((row) => {
    const table = JSON.parse(row.descriptor) as DiscoveredTable;
    return withDrift(table, drift.get(table.name));
  });
}

function withDrift(table: DiscoveredTable, drift: TableDrift | undefined): DiscoveredTable {
  return drift ? { ...table, drift } : table;
}

export async function getDiscoveredTable(db: DuckDBConnection, connection: string, name: string): Promise<DiscoveredTable> {
  await ensureDiscoveredTableTables(db);
  const [row] = await queryRows<{ descriptor: string }>(
    db, 'SELECT descriptor FROM s3bridge.discovered_tables WHERE connection = $connection AND name = $name', { connection, name });
  if (!row) {
    throw ApplicationFailure.create({
      type: TABLE_NOT_DISCOVERED,
      nonRetryable: true,
      message: `table "${name}" has not been discovered on connection "${connection}"; run discovery (\`s3bridge discover ${connection}\`) and choose one of the tables it lists`,
    });
  }
  return withDrift(JSON.parse(row.descriptor) as DiscoveredTable, await getTableDrift(db, connection, name));
}
