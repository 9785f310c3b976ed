import { LIST, listValue, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { ColumnSchema } from '../workflow-safe/catalog/discovered-table';
import { FORMATS } from '../workflow-safe/formats/file-format';
import { fileColumnName, tableColumnName } from '../workflow-safe/formats/column-names';
import { queryRows } from '../duckdb/query-rows';
import { quoteIdentifier, quoteLiteral } from '../duckdb/sql';
import { FILE_COLUMN, type FormatReader } from './format-reader';
import { rawValuesJson } from './csv';

const FILES = { files: LIST(VARCHAR) };

/** `* RENAME (...)` for the scan's columns that have another name in the file (s3bridge's reserved names, see tableColumnName). */
function renames(columns: ColumnSchema[]): string {
  const renamed = columns.filter((c) => fileColumnName(c.name) !== c.name);
  if (renamed.length === 0) return '';
  return ` RENAME (${renamed.map((c) => `${quoteIdentifier(fileColumnName(c.name))} AS ${quoteIdentifier(c.name)}`).join(', ')})`;
}

async function footerColumns(db: DuckDBConnection, url: string): Promise<ColumnSchema[]> {
  const rows = await queryRows<ColumnSchema>(db,
    'SELECT column_name AS name, column_type AS type FROM (DESCRIBE SELECT * FROM read_parquet($url, hive_partitioning=false))', { url });
  return rows.map((c) => ({ name: tableColumnName(c.name), type: c.type }));
}

/** Parquet: read as written (types from the footer), rows numbered from 1 by `file_row_number`. */
export const parquetReader: FormatReader = {
  format: 'parquet',
  facts: FORMATS.parquet,
  columns: footerColumns,
  describe: footerColumns,
  async sample(db, url, rows) {
    const [read] = await queryRows<{ n: bigint }>(db,
      `SELECT count(*) AS n FROM (SELECT 1 FROM read_parquet($url, hive_partitioning=false) LIMIT ${Math.max(1, Math.floor(rows))})`, { url });
    return Number(read?.n ?? 0);
  },
  scanSql(columns) {
    return `(SELECT *${renames(columns)}, file_row_number + 1 AS __row, NULL::VARCHAR AS __format_error
      FROM read_parquet($files, filename=${quoteLiteral(FILE_COLUMN)}, file_row_number=true, hive_partitioning=false))`;
  },
  scannedType: (type) => type,
  rawSql: rawValuesJson,
  rejects: () => Promise.resolve([]),
};

/** The Parquet rows of these files as their footers declare them (the direct load compares its count). */
export async function declaredRows(db: DuckDBConnection, urls: string[]): Promise<number> {
  const [declared] = (await db.runAndReadAll('SELECT sum(num_rows)::BIGINT AS n FROM parquet_file_metadata($files)', { files: listValue(urls) }, FILES))
    .getRowObjectsJS() as { n: bigint | null }[];
  return Number(declared?.n ?? 0);
}

/**
 * The files' schemas from their footers, one signature per file (name, physical and logical
 * types of every field): files with one signature are read by one scan.
 */
export async function schemaSignatures(db: DuckDBConnection, urls: string[]): Promise<{ url: string; signature: string }[]> {
  const field = 'CAST(row(name, type, type_length, repetition_type, num_children, converted_type, scale, precision, logical_type, duckdb_type) AS VARCHAR)';
  const sql = `SELECT file_name AS url, string_agg(${field}, ';' ORDER BY ${field}) AS signature FROM parquet_schema($files) GROUP BY file_name`;
  return (await db.runAndReadAll(sql, { files: listValue(urls) }, FILES)).getRowObjectsJS() as { url: string; signature: string }[];
}
