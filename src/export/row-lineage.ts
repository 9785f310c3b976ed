import { quoteIdentifier, quoteLiteral } from '../duckdb/sql';

/**
 * Everything the export reads of a warehouse row's lineage, in one place: where the row came
 * from (connection, source table, day, source file: message-ID inputs and context fields) and
 * when s3bridge received it (its load's commit time: `receivedAt`, and what places a row in a
 * received-time window).
 *
 * Every row carries `_day` and `_file_id`, its file in `s3bridge.source_files`, which knows the
 * connection, table, object key and load; `s3bridge.load_ledger` records when each load
 * committed (what RECEIVED_LOADS_SQL reads too). The expressions below keep the values rows
 * carried before lineage moved to the file table, so message IDs did not change.
 */

/** The lineage columns stored in every row s3bridge imports: never exported as data fields. */
export const STORED_LINEAGE_COLUMNS = ['_day', '_file_id'] as const;

/** Each load and when it was received (committed): one row per load. */
const RECEIPTS = 'SELECT load_id, min(loaded_at) AS received_at FROM s3bridge.load_ledger GROUP BY load_id';

/** SQL expressions for the lineage of a row of `alias`, valid after `joins`. */
export interface RowLineage {
  /** Whether the table carries s3bridge's lineage (a table created by hand may not: every expression is then NULL). */
  present: boolean;
  /** What to add after `FROM <table> <alias>` (LEFT JOINs: a row without a file entry or load record keeps its other fields). */
  joins: string;
  /** TIMESTAMPTZ: when the row's load committed; NULL without a load record. */
  receivedAt: string;
  connection: string;
  table: string;
  day: string;
  sourceKey: string;
}

/** `target` is the table's `schema.name`: only its own files are joined (file IDs are unique per target). */
export function rowLineage(alias: string, columns: readonly string[], target: string): RowLineage {
  const present = STORED_LINEAGE_COLUMNS.every((c) => columns.includes(c));
  if (!present) return { present, joins: '', receivedAt: 'NULL::TIMESTAMPTZ', connection: 'NULL', table: 'NULL', day: 'NULL', sourceKey: 'NULL' };
  return {
    present,
    // The files and their loads' receipts joined first (a few rows per load), so the rows meet one small hash table.
    joins: `LEFT JOIN (SELECT f.file_id, f.connection, f.table_name, f.source_key, r.received_at
        FROM s3bridge.source_files f LEFT JOIN (${RECEIPTS}) r ON r.load_id = f.load_id WHERE f.target = ${quoteLiteral(target)}) AS __file
      ON __file.file_id = ${alias}.${quoteIdentifier('_file_id')}`,
    receivedAt: '__file.received_at',
    connection: '__file.connection',
    table: '__file.table_name',
    day: `${alias}.${quoteIdentifier('_day')}`,
    sourceKey: '__file.source_key',
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
