import type { DuckDBValue } from '@duckdb/node-api';
import { LINEAGE_COLUMN_NAMES } from '../workflow-safe/formats/column-names';
import { fileIdSql } from '../warehouse/source-files';

/** What every row of one load carries besides its data: its day and the file it came from. */
export interface LineageContext {
  day: string | null;
  loadId: string;
  /** `schema.table` the rows go into: part of a file's ID (two mappings of one table keep their own entries). */
  target: string;
}

/**
 * The lineage columns of a scan's rows, the one place they are produced (LINEAGE_COLUMN_NAMES
 * names them; the sink's DDL types them): `_day` and `_file_id`, the row's file in
 * `s3bridge.source_files` (from the row's URL in `fileColumn`; the commit writes the entries).
 */
export function lineageSelects(context: LineageContext, fileColumn: string): { sql: string; params: Record<string, DuckDBValue> } {
  const [day, fileId] = LINEAGE_COLUMN_NAMES;
  return {
    sql: `$l_day::DATE AS ${day}, ${fileIdSql('$l_load', fileColumn, '$l_target')} AS ${fileId}`,
    params: { l_day: context.day, l_load: context.loadId, l_target: context.target },
  };
}
