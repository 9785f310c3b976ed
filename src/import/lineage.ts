import type { DuckDBValue } from '@duckdb/node-api';
import { LINEAGE_COLUMN_NAMES } from '../workflow-safe/formats/column-names';

/** What every row of one load carries besides its data: where it came from and which load wrote it. */
export interface LineageContext {
  connection: string;
  table: string;
  day: string | null;
  /** `s3://bucket/`: stripped from each row's object URL to give its key. */
  urlPrefix: string;
  loadId: string;
}

/**
 * The lineage columns of a scan's rows, the one place they are produced (LINEAGE_COLUMN_NAMES
 * names them; the sink's DDL types them): `_connection`, `_table`, `_day`, `_source_key` (the
 * object key, from the row's URL in `fileColumn`) and `_load_id`, from bound values.
 */
export function lineageSelects(context: LineageContext, fileColumn: string): { sql: string; params: Record<string, DuckDBValue> } {
  const [connection, table, day, sourceKey, loadId] = LINEAGE_COLUMN_NAMES;
  return {
    sql: `$l_connection AS ${connection}, $l_table AS ${table}, $l_day::DATE AS ${day}, `
      + `substr(${fileColumn}, $l_prefix_length::BIGINT + 1) AS ${sourceKey}, $l_load AS ${loadId}`,
    params: {
      l_connection: context.connection, l_table: context.table, l_day: context.day,
      l_prefix_length: context.urlPrefix.length, l_load: context.loadId,
    },
  };
}
