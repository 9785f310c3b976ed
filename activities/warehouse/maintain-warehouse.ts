import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { QUERY_BUSY } from '../../src/workflow-safe/failure-types';
import { DEFAULT_QUERY_TIMEOUT_SECONDS, type QueryWarehouseResult, type RemoveConnectionResult, type ResetTableResult } from '../../src/workflow-safe/inputs/warehouse-maintenance-input';
import type { ActivityDeps } from '../deps';

/** `s3bridge sql` queries a worker runs at once (of its 8 activity slots). */
const MAX_RUNNING_QUERIES = 2;

/**
 * The warehouse belongs to the worker (DuckDB lets one process write a file; the shared lake is
 * reached through the worker's store), so the CLI reads and maintains it through these activities.
 */
export function createWarehouseMaintenance({ catalog, sink }: ActivityDeps) {
  let running = 0;
  return {
    /**
     * Runs one read-only SELECT against the warehouse and returns at most `limit` rows; stopped at its
     * timeout. At most MAX_RUNNING_QUERIES at once per worker, refused past that rather than queued
     * here: a waiting query would hold an activity slot, and a flood of them would keep imports from
     * theirs. The workflow waits for a place on timers instead.
     */
    async queryWarehouse(input: { sql: string; limit: number; timeoutSeconds?: number }): Promise<QueryWarehouseResult> {
      if (running >= MAX_RUNNING_QUERIES) {
        throw ApplicationFailure.create({
          type: QUERY_BUSY, nonRetryable: true,
          message: `${running} s3bridge sql queries are already running on this worker, the most it runs at once (so imports keep their activity slots): try again when one has finished`,
        });
      }
      running += 1;
      try {
        // The sink creates the ledger and rejects before its first use, so `tables status` answers "nothing yet".
        return await sink.query(input.sql, {
          limit: input.limit,
          timeoutMs: (input.timeoutSeconds ?? DEFAULT_QUERY_TIMEOUT_SECONDS) * 1000,
          signal: Context.current().cancellationSignal,
        });
      } finally {
        running -= 1;
      }
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
