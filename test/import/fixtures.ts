import type { DiscoveredTable } from '../../src/workflow-safe/catalog/discovered-table';
import { replaceDiscoveredTables } from '../../src/catalog/discovered-table-store';
import { queryRows } from '../../src/duckdb/query-rows';
import type { SqlParams } from '../../src/duckdb/query-rows';
import type { TestEnv } from '../support/harness';

/** ISO days from `first`, `count` of them. */
export function days(first: string, count: number): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

/** Validates the test's source connection (imports need it Active), then runs real discovery on it (the worker must be running). */
export async function discover(env: TestEnv): Promise<void> {
  const validation = await env.s3bridge.validateConnection({ connection: env.source() });
  if (validation.status !== 'active') throw new Error(`source connection not Active: ${JSON.stringify(validation)}`);
  await env.s3bridge.discoverSchema({ connection: env.source() });
}

/** A catalog entry as discovery records it, for tests that need a catalog discovery would not produce. */
export function discovered(env: TestEnv, table: Partial<DiscoveredTable> & Pick<DiscoveredTable, 'name' | 'columns'>): DiscoveredTable {
  return {
    connection: env.source().name,
    prefix: `${table.name}/`,
    layout: 'hive',
    format: 'parquet',
    partitionKeys: [],
    fileCount: 0,
    totalBytes: 0,
    discoveredAt: '2026-01-01T00:00:00.000Z',
    ...table,
  };
}

export async function catalog(env: TestEnv, tables: DiscoveredTable[]): Promise<void> {
  await env.withWarehouse((db) => replaceDiscoveredTables(db, env.source().name, tables));
}

/** Reads the warehouse (numbers as JS numbers) from the test process. */
export async function warehouse<T extends object>(env: TestEnv, sql: string, params?: SqlParams): Promise<T[]> {
  const rows = await env.withWarehouse((db) => queryRows<Record<string, unknown>>(db, sql, params));
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])) as T);
}

export function rawTable(env: TestEnv, table: string): string {
  return `raw."${env.source().name}__${table}"`;
}

/** The raw table's lineage view: its rows with `_connection`, `_table`, `_source_key` and `_load_id` joined back. */
export function lineageTable(env: TestEnv, table: string): string {
  return `lineage."${env.source().name}__${table}"`;
}
