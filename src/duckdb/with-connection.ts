import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** Runs `fn` on a fresh connection to `instance`, closed after whatever happens. */
export async function withConnection<T>(instance: DuckDBInstance, fn: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  const db = await instance.connect();
  try {
    return await fn(db);
  } finally {
    db.closeSync();
  }
}
