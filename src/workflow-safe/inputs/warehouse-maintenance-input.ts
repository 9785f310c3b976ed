import { z } from 'zod';

/** The longest a `s3bridge sql` query may run; the activity running it has a longer start-to-close timeout. */
export const MAX_QUERY_TIMEOUT_SECONDS = 300;
export const DEFAULT_QUERY_TIMEOUT_SECONDS = 60;
/** The longest query text: it bounds the parser's and the gate's work and every literal's size. */
export const MAX_QUERY_LENGTH = 65_536;

/** A read-only query of the warehouse, run by the worker (which owns the DuckDB file). */
export const QueryWarehouseInput = z.object({
  sql: z.string().min(1, 'give a SELECT statement').max(MAX_QUERY_LENGTH, `at most ${MAX_QUERY_LENGTH} characters`).describe('one SELECT statement (with CTEs, joins, subqueries); anything else is refused'),
  limit: z.number().int().min(1).max(10_000).default(100).describe('rows returned at most; the result travels through workflow history, so keep it small'),
  timeoutSeconds: z.number().int().min(1).max(MAX_QUERY_TIMEOUT_SECONDS, `at most ${MAX_QUERY_TIMEOUT_SECONDS} seconds`).default(DEFAULT_QUERY_TIMEOUT_SECONDS)
    .describe('the query is interrupted after this many seconds (it runs beside imports\' commits, never in their way)'),
}).strict();
export type QueryWarehouseInput = z.input<typeof QueryWarehouseInput>;

export interface QueryWarehouseResult {
  columns: { name: string; type: string }[];
  /** JSON-safe values (BIGINT and DECIMAL as strings, dates ISO). */
  rows: Record<string, unknown>[];
  /** More rows matched than `limit`. */
  truncated: boolean;
}

/** Forgets a table's imports: its warehouse rows, ledger, rejects and accepted schema; the next import loads every day again. */
export const ResetTableInput = z.object({
  connection: z.string().min(1, 'name the connection').describe('the stored connection\'s name'),
  table: z.string().min(1, 'name the table').describe('the table whose imports are forgotten'),
}).strict();
export type ResetTableInput = z.input<typeof ResetTableInput>;

export interface ResetTableResult {
  connection: string;
  table: string;
  ledgerEntries: number;
  rowsDeleted: number;
  rejectsDeleted: number;
  targets: string[];
}

/** Removes a stored connection from the catalog: its settings, status, discovered tables and held drift (warehouse data stays). */
export const RemoveConnectionInput = z.object({
  connection: z.string().min(1, 'name the connection').describe('the stored connection\'s name'),
}).strict();
export type RemoveConnectionInput = z.input<typeof RemoveConnectionInput>;

export interface RemoveConnectionResult {
  connection: string;
  removed: boolean;
  tablesForgotten: number;
}
