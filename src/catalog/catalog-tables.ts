import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Returns a function that creates the given catalog tables (schema `s3bridge`) if missing,
 * at most once per DuckDB connection: every store calls it before its first statement.
 */
export function catalogTables(...ddl: string[]): (db: DuckDBConnection) => Promise<void> {
  const ensured = new WeakSet<DuckDBConnection>();
  return async (db) => {
    if (ensured.has(db)) return;
    await db.run('CREATE SCHEMA IF NOT EXISTS s3bridge');
    for (const statement of ddl) await db.run(statement);
    ensured.add(db);
  };
}
