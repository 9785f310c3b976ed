import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnSchema, FileFormat } from '../workflow-safe/catalog/discovered-table';
import { queryRows } from '../duckdb/query-rows';

/** DuckDB's reader for each format; partition folders are read separately, never from the path. */
const READERS: Record<FileFormat, string> = {
  parquet: 'read_parquet($url, hive_partitioning := false)',
  csv: 'read_csv($url, hive_partitioning := false)',
  'csv.gz': "read_csv($url, hive_partitioning := false, compression := 'gzip')",
  ndjson: "read_json($url, format := 'newline_delimited', hive_partitioning := false)",
  'ndjson.gz': "read_json($url, format := 'newline_delimited', hive_partitioning := false, compression := 'gzip')",
};

/** The columns DuckDB reads from one file (DESCRIBE: the footer for Parquet, a sniff for CSV/JSON). */
export async function readFileColumns(db: DuckDBConnection, url: string, format: FileFormat): Promise<ColumnSchema[]> {
  const rows = await queryRows<{ column_name: string; column_type: string }>(db, `DESCRIBE SELECT * FROM ${READERS[format]}`, { url });
  return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
}
