import { quoteIdentifier } from '../duckdb/sql';

/**
 * Everything the export reads of a warehouse row's lineage, in one place: where the row came
 * from (connection, source table, day, source file: message-ID inputs and context fields) and
 * when s3bridge received it (its load's commit time: `receivedAt`, and what places a row in a
 * received-time window).
 *
 * Today every row carries `_connection, _table, _day, _source_key, _load_id`, and
 * `s3bridge.load_ledger` records each load's `load_id` and `loaded_at`. When rows reference a
 * table of source files instead, this file alone changes: the expressions below keep their names
 * and meaning (the same values, so message IDs do not change).
 */

/** The lineage columns stored in every row s3bridge imports: never exported as data fields. */
export const STORED_LINEAGE_COLUMNS = ['_connection', '_table', '_day', '_source_key', '_load_id'] as const;

/** Each load and when it was received (committed): one row per load. */
const RECEIPTS = 'SELECT load_id, min(loaded_at) AS received_at FROM s3bridge.load_ledger GROUP BY load_id';

/** SQL expressions for the lineage of a row of `alias`, valid after `joins`. */
export interface RowLineage {
  /** Whether the table carries s3bridge's lineage (a table created by hand may not: every expression is then NULL). */
  present: boolean;
  /** What to add after `FROM <table> <alias>` (LEFT JOINs: a row without a load record keeps its other fields). */
  joins: string;
  /** TIMESTAMPTZ: when the row's load committed; NULL without a load record. */
  receivedAt: string;
  connection: string;
  table: string;
  day: string;
  sourceKey: string;
}

export function rowLineage(alias: string, columns: readonly string[]): RowLineage {
  const present = STORED_LINEAGE_COLUMNS.every((c) => columns.includes(c));
  if (!present) return { present, joins: '', receivedAt: 'NULL::TIMESTAMPTZ', connection: 'NULL', table: 'NULL', day: 'NULL', sourceKey: 'NULL' };
  const column = (name: string) => `${alias}.${quoteIdentifier(name)}`;
  return {
    present,
    joins: `LEFT JOIN (${RECEIPTS}) AS __receipt ON __receipt.load_id = ${column('_load_id')}`,
    receivedAt: '__receipt.received_at',
    connection: column('_connection'),
    table: column('_table'),
    day: column('_day'),
    sourceKey: column('_source_key'),
  };
}

/**
 * The loads of warehouse table `$target` received in [`$from`, `$to`) (unix ms): load_id,
 * received_ms, rows. What a received-time window is made of, read without reading a row.
 */
export const RECEIVED_LOADS_SQL = `SELECT load_id, epoch_ms(min(loaded_at)) AS received_ms, sum(row_count) AS rows
  FROM s3bridge.load_ledger WHERE target = $target
  GROUP BY load_id HAVING min(loaded_at) >= to_timestamp($from / 1000) AND min(loaded_at) < to_timestamp($to / 1000)
  ORDER BY received_ms, load_id`;
