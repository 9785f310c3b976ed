import type { DiscoveredTable } from '../../src/workflow-safe/catalog/discovered-table';
import type { SourceConnection } from '../../src/workflow-safe/connection';
import { queryRows } from '../../src/duckdb/query-rows';
import type { TestEnv } from '../support/harness';

/** Validates (imports need an Active connection) and discovers a connection through the real workflows. */
export async function validateAndDiscover(env: TestEnv, connection: SourceConnection = env.source()) {
  const validation = await env.s3bridge.validateConnection({ connection });
  if (validation.status !== 'active') throw new Error(`connection ${connection.name} not Active: ${JSON.stringify(validation.checks)}`);
  return env.s3bridge.discoverSchema({ connection });
}

/** A table's catalog entry as discovery stored it. */
export async function catalogEntry(env: TestEnv, table: string, connection = env.source().name): Promise<DiscoveredTable> {
  const [row] = await env.withWarehouse((db) => queryRows<{ descriptor: string }>(db,
    'SELECT descriptor::VARCHAR AS descriptor FROM s3bridge.discovered_tables WHERE connection = $c AND name = $n', { c: connection, n: table }));
  if (!row) throw new Error(`table ${table} not in the catalog`);
  return JSON.parse(row.descriptor) as DiscoveredTable;
}
