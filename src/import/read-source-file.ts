import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnSchema, FileFormat } from '../workflow-safe/catalog/discovered-table';
import { queryRows } from '../duckdb/query-rows';
import { quoteIdentifier, quoteLiteral } from '../duckdb/sql';
import { checkedType } from './column-types';

/** Formats without declared types: their columns are compared by name only, read as text or the accepted type. */
export function isTextFormat(format: FileFormat): boolean {
  return format !== 'parquet';
}

/** Gzip is declared for the .gz formats (Segment's files end in a bare `.gz`); otherwise DuckDB detects it. */
function compression(format: FileFormat): string {
  return format.endsWith('.gz') ? ", compression='gzip'" : '';
}

// Partition columns come from the path as the catalog types them, never from DuckDB's own Hive detection.
const CSV_DIALECT = `delim=',', quote='"', escape='"', hive_partitioning=false`;

/**
 * The columns one file holds, cheaply: Parquet's footer; a CSV's header line; NDJSON's keys
 * as DuckDB detects them from a sample.
 */
export async function describeFile(db: DuckDBConnection, url: string, format: FileFormat): Promise<ColumnSchema[]> {
  if (format === 'parquet') {
    return queryRows<ColumnSchema>(db, 'SELECT column_name AS name, column_type AS type FROM (DESCRIBE SELECT * FROM read_parquet($url, hive_partitioning=false))', { url });
  }
  if (format === 'csv' || format === 'csv.gz') {
    // Header read as a plain row: the sniffer would trip over the very malformed lines the error policy must report.
    const [header] = await queryRows<Record<string, string | null>>(db,
      `SELECT * FROM read_csv($url, header=false, all_varchar=true, null_padding=true, ${CSV_DIALECT}${compression(format)}) LIMIT 1`, { url });
    return Object.values(header ?? {}).filter((v): v is string => v !== null && v !== '').map((name) => ({ name, type: 'VARCHAR' }));
  }
  const columns = await queryRows<ColumnSchema>(db,
    `SELECT column_name AS name, column_type AS type FROM (DESCRIBE SELECT * FROM read_json($url, format='newline_delimited', hive_partitioning=false${compression(format)}))`, { url });
  return columns.map((c) => ({ name: c.name, type: 'VARCHAR' }));
}

/** The column each scanned row carries its object URL in (DuckDB's `filename`, renamed so a source column of that name stays). */
export const FILE_COLUMN = '__s3b_file';

/** Names of the tables DuckDB records a CSV scan's malformed lines and failed conversions in. */
export interface CsvRejectTables {
  rejects: string;
  scans: string;
}

/**
 * One scan of the files bound as `$files` (a list of URLs with the same columns), as a
 * subquery with `__row` (the 1-based row, when the format has one) and FILE_COLUMN. Parquet
 * is read as written; CSV with the given types and DuckDB's rejects tables (which name the
 * line, the column and keep the raw line of malformed rows and failed conversions); NDJSON
 * with the given columns. Explicit columns: the sniffer never runs.
 */
export function scanFilesSql(format: FileFormat, columns: ColumnSchema[], csvTables: CsvRejectTables): string {
  const file = `filename=${quoteLiteral(FILE_COLUMN)}`;
  if (format === 'parquet') {
    return `(SELECT *, file_row_number + 1 AS __row FROM read_parquet($files, ${file}, file_row_number=true, hive_partitioning=false))`;
  }
  const struct = `{${columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(checkedType(c.type, `column "${c.name}"`))}`).join(', ')}}`;
  if (format === 'csv' || format === 'csv.gz') {
    return `(SELECT *, NULL::BIGINT AS __row FROM read_csv($files, header=true, auto_detect=false, ${CSV_DIALECT}${compression(format)},
      columns=${struct}, store_rejects=true, rejects_table=${quoteLiteral(csvTables.rejects)}, rejects_scan=${quoteLiteral(csvTables.scans)}, ${file}))`;
  }
  return `(SELECT *, NULL::BIGINT AS __row FROM read_json($files, format='newline_delimited', hive_partitioning=false${compression(format)},
    columns=${struct}, ${file}))`;
}

/** A CSV's malformed lines and failed conversions, as DuckDB recorded them during a scan. */
export interface CsvReject {
  url: string;
  line: number;
  column: string | null;
  reason: string;
  raw: string;
}

export async function csvRejects(db: DuckDBConnection, format: FileFormat, tables: CsvRejectTables): Promise<CsvReject[]> {
  if (format !== 'csv' && format !== 'csv.gz') return [];
  const rows = await queryRows<{ url: string; line: bigint; column_name: string | null; error_message: string; csv_line: string }>(db,
    `SELECT f.file_path AS url, r.line, r.column_name, r.error_message, r.csv_line
     FROM ${quoteIdentifier(tables.rejects)} r JOIN ${quoteIdentifier(tables.scans)} f USING (scan_id, file_id) ORDER BY url, r.line`);
  return rows.map((r) => ({ url: r.url, line: Number(r.line), column: r.column_name, reason: r.error_message, raw: r.csv_line }));
}

/** Quoted `s."column"` references of the file's columns, for raw values of rejected rows. */
export function rawValuesJson(columns: ColumnSchema[]): string {
  if (columns.length === 0) return "'{}'";
  return `CAST(json_object(${columns.map((c) => `${quoteLiteral(c.name)}, s.${quoteIdentifier(c.name)}`).join(', ')}) AS VARCHAR)`;
}
