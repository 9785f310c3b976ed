import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnSchema, FileFormat } from '../workflow-safe/catalog/discovered-table';
import type { FormatFacts } from '../workflow-safe/formats/file-format';

/** The column each scanned row carries its object URL in (DuckDB's `filename`, renamed so a source column of that name stays). */
export const FILE_COLUMN = '__s3b_file';

/** Names of the tables a scan records the rows its reader set aside in (DuckDB's CSV rejects tables). */
export interface RejectTables {
  rejects: string;
  scans: string;
}

/** A row the reader itself set aside: a CSV line with too many fields, an NDJSON line that is no JSON... */
export interface ReaderReject {
  url: string;
  /** The physical line (1-based, the header is line 1), when known. */
  line: number | null;
  column: string | null;
  reason: string;
  /** The raw line. */
  raw: string;
}

/**
 * One file format, read by DuckDB: every format in src/formats/ has the same exports, and no
 * other module writes reader SQL. Columns are the warehouse's names (see tableColumnName).
 *
 * A scan is a subquery over the URLs bound as `$files` with, besides the file's columns:
 * FILE_COLUMN (the object URL), `__row` (the 1-based row or line when the reader knows it)
 * and `__format_error` (why the reader could not use the row, e.g. an NDJSON line that is no
 * JSON object; NULL for good rows).
 */
export interface FormatReader {
  readonly format: FileFormat;
  readonly facts: FormatFacts;
  /** The columns of one file with types inferred from a sample (discovery, validation). */
  describe(db: DuckDBConnection, url: string): Promise<ColumnSchema[]>;
  /**
   * The columns a scan reads the file with, as cheaply as the format allows: Parquet's footer
   * types; a CSV's header (VARCHAR); NDJSON's keys with types inferred from a sample.
   */
  columns(db: DuckDBConnection, url: string): Promise<ColumnSchema[]>;
  /** Reads up to `rows` rows of one file (validation's sample read): how many it read. */
  sample(db: DuckDBConnection, url: string, rows: number): Promise<number>;
  /** The scan of `$files` (see above), each column read as `readTypes` says (text formats) or as written (Parquet). */
  scanSql(columns: ColumnSchema[], tables: RejectTables): string;
  /** The SQL type a file column arrives in the scan with (NDJSON: JSON text; others: the type given). */
  scannedType(type: string): string;
  /** A rejected row as stored in s3bridge.rejects (`raw`): an expression over the scan `s` (the line, or the values as JSON). */
  rawSql(columns: ColumnSchema[]): string;
  /** Rejected rows of these files whose line the scan could not say, located by reading the files again (NDJSON); others: none. */
  locateLines?(db: DuckDBConnection, rows: { url: string; raw: string }[]): Promise<(number | null)[]>;
  /** The rows the reader set aside during scans that used `tables`. */
  rejects(db: DuckDBConnection, tables: RejectTables, columns: number): Promise<ReaderReject[]>;
}
