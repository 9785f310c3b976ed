import type { DuckDBConnection } from '@duckdb/node-api';

/** Runs `fn` inside one transaction: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(db: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  await db.run('BEGIN TRANSACTION');
  try {
    const result = await fn();
    await db.run('COMMIT');
    return result;
  } catch (error) {
    await db.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
