import type { QueryWarehouseResult, RemoveConnectionResult, ResetTableResult } from '../../src/shared/inputs/warehouse-maintenance-input';
import { withWarehouse } from '../../src/warehouse/embedded-database';
import { readOnlyQuery } from '../../src/warehouse/read-only-query';
import { resetTable } from '../../src/warehouse/reset-table';
import { ensureBookkeepingTables } from '../../src/warehouse/bookkeeping-tables';
import { removeConnection } from '../../src/catalog/remove-connection';
import type { ActivityDeps } from '../deps';

/**
 * The warehouse file belongs to the worker (DuckDB lets one process write it), so the CLI reads
 * and maintains it through these activities instead of opening the file beside a running worker.
 */
export function createWarehouseMaintenance({ settings }: ActivityDeps) {
  return {
    /** Runs one read-only SELECT against the warehouse and returns at most `limit` rows. */
    async queryWarehouse(input: { sql: string; limit: number }): Promise<QueryWarehouseResult> {
      return withWarehouse(settings, async (db) => {
        // The ledger and rejects exist before the first import, so `tables status` answers "nothing yet".
        await ensureBookkeepingTables(db);
        return readOnlyQuery(db, input.sql, input.limit);
      });
    },
    /** Forgets a table's imports (rows, ledger, rejects, accepted schema) in one transaction. */
    async resetTableImports(input: { connection: string; table: string }): Promise<ResetTableResult> {
      return withWarehouse(settings, (db) => resetTable(db, input.connection, input.table));
    },
    /** Removes a connection and its catalog entries in one transaction. */
    async removeStoredConnection(input: { connection: string }): Promise<RemoveConnectionResult> {
      return withWarehouse(settings, (db) => removeConnection(db, input.connection));
    },
  };
}
