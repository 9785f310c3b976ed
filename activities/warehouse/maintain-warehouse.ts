import { Context } from '@temporalio/activity';
import { DEFAULT_QUERY_TIMEOUT_SECONDS, type QueryWarehouseResult, type RemoveConnectionResult, type ResetTableResult } from '../../src/workflow-safe/inputs/warehouse-maintenance-input';
import type { ActivityDeps } from '../deps';

/**
 * The warehouse belongs to the worker (DuckDB lets one process write a file; the shared lake is
 * reached through the worker's store), so the CLI reads and maintains it through these activities.
 */
export function createWarehouseMaintenance({ catalog, sink }: ActivityDeps) {
  return {
    /** Runs one read-only SELECT against the warehouse and returns at most `limit` rows; stopped at its timeout. */
    async queryWarehouse(input: { sql: string; limit: number; timeoutSeconds?: number }): Promise<QueryWarehouseResult> {
      // The sink creates the ledger and rejects before its first use, so `tables status` answers "nothing yet".
      return sink.query(input.sql, {
        limit: input.limit,
        timeoutMs: (input.timeoutSeconds ?? DEFAULT_QUERY_TIMEOUT_SECONDS) * 1000,
        signal: Context.current().cancellationSignal,
      });
    },
    /** Forgets a table's imports (rows, ledger, rejects, accepted schema) in one transaction. */
    async resetTableImports(input: { connection: string; table: string }): Promise<ResetTableResult> {
      return sink.resetTable(input.connection, input.table);
    },
    /** Removes a connection and its catalog entries in one transaction. */
    async removeStoredConnection(input: { connection: string }): Promise<RemoveConnectionResult> {
      return catalog.removeConnection(input.connection);
    },
  };
}
