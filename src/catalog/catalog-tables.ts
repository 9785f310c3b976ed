import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../duckdb/query-rows';

/**
 * Returns a function that creates the given catalog tables (schema `s3bridge`) if missing,
 * at most once per DuckDB connection: every store calls it before its first statement.
 * In Postgres (the shared setup) JSON columns are text: DuckDB's postgres extension cannot
 * update a json column inside a transaction (it sends the new value as varchar).
 */
export function catalogTables(...ddl: string[]): (db: DuckDBConnection) => Promise<void> {
  const ensured = new WeakSet<DuckDBConnection>();
  return async (db) => {
    if (ensured.has(db)) return;
    const [database] = await queryRows<{ type: string }>(db, 'SELECT type FROM duckdb_databases() WHERE database_name = current_database()');
    const postgres = database?.type === 'postgres';
    await db.run('CREATE SCHEMA IF NOT EXISTS s3bridge');
    for (const statement of ddl) await db.run(postgres ? statement.replace(/ JSON NOT NULL/g, ' VARCHAR NOT NULL') : statement);
    ensured.add(db);
  };
}
