import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

export type SqlParams = Record<string, DuckDBValue> | DuckDBValue[];

/**
 * Runs a query and returns its rows as plain JS objects (BIGINT as bigint, JSON as string).
 * The row type is the caller's statement of what the SQL selects.
 */
export async function queryRows<T extends object>(db: DuckDBConnection, sql: string, params?: SqlParams): Promise<T[]> {
  const reader = await db.runAndReadAll(sql, params);
  return reader.getRowObjectsJS() as T[];
}
