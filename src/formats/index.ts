import type { FileFormat } from '../workflow-safe/catalog/discovered-table';
import { FORMATS } from '../workflow-safe/formats/file-format';
import { csvReader } from './csv';
import { ndjsonReader } from './ndjson';
import { parquetReader } from './parquet';
import type { FormatReader } from './format-reader';

/** The reader of each format: the only place DuckDB reader SQL for source files is written. */
export function readerFor(format: FileFormat): FormatReader {
  const { family } = FORMATS[format];
  if (family === 'parquet') return parquetReader;
  return family === 'csv' ? csvReader(format) : ndjsonReader(format);
}

export { FILE_COLUMN, type FormatReader, type ReaderReject, type RejectTables } from './format-reader';
