import type { DuckDBConnection } from '@duckdb/node-api';
import type { RemoveConnectionResult } from '../workflow-safe/inputs/warehouse-maintenance-input';
import { queryRows } from '../duckdb/query-rows';
import { inTransaction } from '../duckdb/in-transaction';
import { ensureConnectionTables } from './connection-store';
import { ensureStatusTable } from './connection-status-store';
import { ensureDiscoveredTableTables } from './discovered-table-store';
import { ensureTableDriftTable } from './table-drift-store';

/**
 * Removes a connection from the catalog in one transaction: its settings, its validation status,
 * its discovered tables and their held drift. Imported rows and the load ledger stay in the
 * warehouse (`tables reset` forgets a table's imports).
 */
/** `withinTransaction`: the caller holds a transaction on `db` already. */
export async function removeConnection(db: DuckDBConnection, name: string, withinTransaction = false): Promise<RemoveConnectionResult> {
  await ensureConnectionTables(db);
  await ensureStatusTable(db);
  await ensureDiscoveredTableTables(db);
  await ensureTableDriftTable(db);
  const remove = async () => {
    const key = { name };
    const [stored] = await queryRows<{ n: bigint }>(db, 'SELECT count(*) AS n FROM s3bridge.connections WHERE name = $name', key);
    const [tables] = await queryRows<{ n: bigint }>(db, 'SELECT count(*) AS n FROM s3bridge.discovered_tables WHERE connection = $name', key);
    await db.run('DELETE FROM s3bridge.connections WHERE name = $name', key);
    await db.run('DELETE FROM s3bridge.connection_status WHERE name = $name', key);
    await db.run('DELETE FROM s3bridge.discovered_tables WHERE connection = $name', key);
    await db.run('DELETE FROM s3bridge.table_drift WHERE connection = $name', key);
    return { connection: name, removed: Number(stored?.n ?? 0) > 0, tablesForgotten: Number(tables?.n ?? 0) };
  };
  return withinTransaction ? remove() : inTransaction(db, remove);
}
