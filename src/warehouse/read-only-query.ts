import type { DuckDBConnection } from '@duckdb/node-api';
import { ApplicationFailure } from '@temporalio/common';
import { MAX_QUERY_LENGTH, MAX_QUERY_TIMEOUT_SECONDS, type QueryWarehouseResult } from '../workflow-safe/inputs/warehouse-maintenance-input';
import { queryRows } from '../duckdb/query-rows';
import { scrubValues } from '../workflow-safe/excerpt';
import { QUERY_REFUSED, QUERY_TIMED_OUT } from '../workflow-safe/failure-types';
import { checkQueryTree, QueryRefusal, type QueryScope } from './query-tree';

function refusal(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: QUERY_REFUSED, nonRetryable: true, message });
}

/**
 * What the warehouse's connection may name (see QueryScope): its own catalog's tables and views,
 * and, to rule them out, what the temp and system catalogs hold under the same names.
 */
async function loadScope(db: DuckDBConnection): Promise<QueryScope> {
  const objects = await queryRows<{ database: string; schema: string; name: string; current: string }>(db, `
    SELECT database_name AS database, schema_name AS schema, table_name AS name, current_database() AS current FROM duckdb_tables()
    UNION ALL SELECT database_name, schema_name, view_name, current_database() FROM duckdb_views()`);
  const current = (objects[0]?.current ?? (await queryRows<{ c: string }>(db, 'SELECT current_database() AS c'))[0]!.c).toLowerCase();
  const key = (o: { schema: string; name: string }) => `${o.schema}.${o.name}`.toLowerCase();
  const catalogs = await queryRows<{ name: string }>(db, 'SELECT database_name AS name FROM duckdb_databases()');
  const functions = await queryRows<{ name: string }>(db, "SELECT DISTINCT function_name AS name FROM duckdb_functions() WHERE database_name <> 'system'");
  return {
    database: current,
    own: new Set(objects.filter((o) => o.database.toLowerCase() === current).map(key)),
    elsewhere: new Set(objects.filter((o) => ['temp', 'system'].includes(o.database.toLowerCase())).map(key)),
    catalogs: new Set(catalogs.map((c) => c.name.toLowerCase())),
    userFunctions: new Set(functions.map((f) => f.name.toLowerCase())),
  };
}

/** Parses `sql` with DuckDB's own parser and checks what it names; throws QueryRefused otherwise. */
async function checkReadOnlyQuery(db: DuckDBConnection, sql: string): Promise<void> {
  if (sql.length > MAX_QUERY_LENGTH) throw refusal(`the query is ${sql.length} characters long; s3bridge sql takes at most ${MAX_QUERY_LENGTH}`);
  // The check and the run must read the same text: a C string ends at a NUL, a VARCHAR does not.
  if (sql.includes('\0')) throw refusal('the query contains a NUL character (\\0): remove it');
  const [parsed] = await queryRows<{ tree: string }>(db, 'SELECT json_serialize_sql($sql::VARCHAR) AS tree', { sql });
  const tree = JSON.parse(parsed?.tree ?? '{}') as { error?: boolean; error_message?: string; statements?: unknown[] };
  if (tree.error) throw refusal(`only one SELECT statement is allowed (DuckDB: ${scrubValues(tree.error_message ?? 'not a SELECT')})`);
  if (tree.statements?.length !== 1) throw refusal('give exactly one SELECT statement');
  try {
    checkQueryTree(tree.statements[0], await loadScope(db));
  } catch (error) {
    if (error instanceof QueryRefusal) throw refusal(error.message);
    throw error;
  }
}

export interface ReadOnlyQueryOptions {
  /** Rows returned at most. */
  limit: number;
  /** The query is interrupted after this long (milliseconds). */
  timeoutMs: number;
  /** Interrupts the query when it fires (the activity's cancellation). */
  signal?: AbortSignal;
}

/**
 * Runs one SELECT against the warehouse, confined by construction: DuckDB's parser must serialize
 * it as a single SELECT, and it may name only the warehouse's own tables and views and pure
 * functions (src/warehouse/query-tree.ts), so it reads nothing but tables: no setting, secret,
 * file or URL. It runs as exactly the statement that was checked (one prepared statement), in a
 * transaction that is rolled back, beside commits (DuckDB's MVCC), and is interrupted at its
 * deadline. Its errors are scrubbed like every other error before they reach history.
 */
export async function readOnlyQuery(db: DuckDBConnection, sql: string, options: ReadOnlyQueryOptions): Promise<QueryWarehouseResult> {
  await checkReadOnlyQuery(db, sql);
  let timedOut = false;
  const stop = () => db.interrupt();
  const timer = setTimeout(() => { timedOut = true; stop(); }, options.timeoutMs);
  options.signal?.addEventListener('abort', stop);
  await db.run('BEGIN TRANSACTION');
  try {
    if (options.signal?.aborted) throw new Error('the query was cancelled before it ran');
    const prepared = await db.prepare(sql);
    try {
      const reader = await prepared.streamAndReadUntil(options.limit + 1);
      const names = reader.columnNames();
      const types = reader.columnTypes().map(String);
      const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
      return { columns: names.map((name, i) => ({ name, type: types[i] ?? '' })), rows: rows.slice(0, options.limit), truncated: rows.length > options.limit };
    } finally {
      prepared.destroySync();
    }
  } catch (error) {
    if (timedOut) {
      throw ApplicationFailure.create({
        type: QUERY_TIMED_OUT, nonRetryable: true,
        message: `the query ran longer than its timeout (${Math.round(options.timeoutMs / 1000)} s) and was stopped: narrow it (a WHERE on _day, fewer joins) or raise its timeout (s3bridge sql --timeout, at most ${MAX_QUERY_TIMEOUT_SECONDS} s)`,
      });
    }
    throw refusal(`the query failed: ${scrubValues(error instanceof Error ? error.message : String(error))}`);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
    await db.run('ROLLBACK').catch(() => undefined);
  }
}
