import type { ImportMapping } from '../workflow-safe/import/mapping';
import { qualifiedName } from '../duckdb/sql';
import { nameHash } from '../workflow-safe/names/name-hash';

/** Where a mapping's rows land in the warehouse. */
export interface TargetTable {
  schema: string;
  name: string;
  /** raw tables take their columns from the source; canonical ones have fixed columns. */
  kind: 'raw' | 'events' | 'metrics';
}

/**
 * The raw table's name: `<connection>__<table>` when that cannot be confused, which is when it
 * holds exactly one `__` and no capital letter (DuckDB compares names case-insensitively, so
 * `Events` and `events` would be one table). Otherwise `<connection>__<table>__<hash>`, whose
 * hash of the exact names keeps `a_`/`b` and `a`/`_b`, or `Events` and `events`, apart.
 */
export function rawTableName(connection: string, table: string): string {
  const name = `${connection}__${table}`;
  const plain = !connection.includes('__') && !connection.endsWith('_') && /^[a-z0-9](?:[a-z0-9-]|_(?!_))*$/.test(table);
  return plain ? name : `${name}__${nameHash(connection, table)}`;
}

/** raw: `raw."<connection>__<table>"`; events and metrics: the canonical `canonical.events` / `canonical.metrics`. */
export function targetTable(connection: string, table: string, mapping: ImportMapping): TargetTable {
  if (mapping.mode === 'raw') return { schema: 'raw', name: rawTableName(connection, table), kind: 'raw' };
  return { schema: 'canonical', name: mapping.mode, kind: mapping.mode };
}

export function targetSql(target: TargetTable): string {
  return qualifiedName(target.schema, target.name);
}

export function targetLabel(target: TargetTable): string {
  return `${target.schema}.${target.name}`;
}

/** Lineage columns every warehouse row carries, after its data columns: its day, and its file in `s3bridge.source_files`. */
export const LINEAGE_COLUMNS = [
  { name: '_day', type: 'DATE' },
  { name: '_file_id', type: 'BIGINT' },
] as const;

/** The canonical tables' data columns (Statsig's events and metrics shapes). */
export const CANONICAL_COLUMNS: Record<'events' | 'metrics', { name: string; type: string }[]> = {
  events: [
    { name: 'event_name', type: 'VARCHAR' },
    { name: 'user_id', type: 'VARCHAR' },
    { name: 'unit_ids', type: 'JSON' },
    { name: 'timestamp', type: 'TIMESTAMP WITH TIME ZONE' },
    { name: 'value', type: 'VARCHAR' },
    { name: 'properties', type: 'JSON' },
  ],
  metrics: [
    { name: 'unit_id', type: 'VARCHAR' },
    { name: 'unit_type', type: 'VARCHAR' },
    { name: 'date', type: 'DATE' },
    { name: 'metric_name', type: 'VARCHAR' },
    { name: 'value', type: 'DOUBLE' },
  ],
};
