import type { DuckDBConnection } from '@duckdb/node-api';
import { ApplicationFailure } from '@temporalio/common';
import type { QueryWarehouseResult } from '../workflow-safe/inputs/warehouse-maintenance-input';
import { queryRows } from '../duckdb/query-rows';
import { QUERY_REFUSED } from '../workflow-safe/failure-types';

/** Table functions that read only the database itself; file and URL readers are refused. */
const ALLOWED_TABLE_FUNCTIONS = new Set([
  'duckdb_tables', 'duckdb_columns', 'duckdb_schemas', 'duckdb_views', 'duckdb_constraints', 'duckdb_indexes',
  'range', 'generate_series', 'unnest', 'json_each', 'json_tree', 'pragma_table_info',
]);

function refuse(message: string): never {
  throw ApplicationFailure.create({ type: QUERY_REFUSED, nonRetryable: true, message });
}

/** Walks DuckDB's parse tree for what could reach outside the database: table functions and file-like table names. */
function checkNode(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(checkNode);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (record.type === 'TABLE_FUNCTION') {
    const name = String((record.function as { function_name?: string } | undefined)?.function_name ?? '');
    if (!ALLOWED_TABLE_FUNCTIONS.has(name.toLowerCase())) refuse(`the table function ${name}() is not allowed: s3bridge sql reads the warehouse only, not files or URLs`);
  }
  const tableName = typeof record.table_name === 'string' ? record.table_name : '';
  if (record.type === 'BASE_TABLE' && /[./:\\]/.test(tableName)) {
    // DuckDB would read `FROM 'file.csv'` as a file (a replacement scan).
    refuse(`"${tableName}" looks like a file: s3bridge sql reads the warehouse's tables only`);
  }
  Object.values(record).forEach(checkNode);
}

/**
 * Runs one SELECT against the warehouse, read-only by construction: DuckDB's own parser must
 * serialize it as a single SELECT (json_serialize_sql refuses every other statement), no table
 * function or replacement scan may read files, and it runs in a transaction that is rolled back.
 */
export async function readOnlyQuery(db: DuckDBConnection, sql: string, limit: number): Promise<QueryWarehouseResult> {
  const [parsed] = await queryRows<{ tree: string }>(db, 'SELECT json_serialize_sql($sql::VARCHAR) AS tree', { sql });
  const tree = JSON.parse(parsed?.tree ?? '{}') as { error?: boolean; error_message?: string; statements?: unknown[] };
  if (tree.error) refuse(`only one SELECT statement is allowed (DuckDB: ${tree.error_message ?? 'not a SELECT'})`);
  if (tree.statements?.length !== 1) refuse('give exactly one SELECT statement');
  checkNode(tree.statements);
  await db.run('BEGIN TRANSACTION');
  try {
    const reader = await db.runAndReadAll(`SELECT * FROM (${sql.replace(/;\s*$/, '')}) LIMIT ${limit + 1}`);
    const names = reader.columnNames();
    const types = reader.columnTypes().map(String);
    const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
    return { columns: names.map((name, i) => ({ name, type: types[i] ?? '' })), rows: rows.slice(0, limit), truncated: rows.length > limit };
  } catch (error) {
    refuse(`the query failed: ${(error as Error).message}`);
  } finally {
    await db.run('ROLLBACK').catch(() => undefined);
  }
}
