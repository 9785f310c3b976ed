import { BIGINT, LIST, listValue, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { SourceFile } from '../workflow-safe/import/source-file';
import { qualifiedName, quoteLiteral } from '../duckdb/sql';
import type { TargetTable } from './target-table';

/**
 * Per-file lineage. Every warehouse row carries `_day` (a constant per day) and `_file_id`, a
 * key of `s3bridge.source_files`, which says where the row came from (connection, table, day,
 * object key, ETag, size) and which load wrote it: one integer per row instead of four strings.
 */

export const SOURCE_FILES_DDL = `CREATE TABLE IF NOT EXISTS s3bridge.source_files (
    file_id BIGINT NOT NULL,
    target VARCHAR NOT NULL,
    connection VARCHAR,
    table_name VARCHAR,
    day DATE,
    source_key VARCHAR,
    etag VARCHAR,
    size BIGINT,
    load_id VARCHAR,
    loaded_at TIMESTAMPTZ
  )`;

/**
 * A file's ID in SQL, from its load's ID, its URL and the target: DuckDB's hash, so the scan computes it
 * per row from the file column and the commit computes the same value for the file's entry
 * without a lookup or a join. A deterministic value needs no sequence (DuckLake has none) and no
 * counter row that workers sharing a lake would contend for; the load ID (a UUID per attempt)
 * keeps two loads of one file apart.
 */
export function fileIdSql(loadId: string, url: string, target: string): string {
  // Typed: a parameter of unknown type in hash() is an internal error in DuckDB 1.4.
  return `(hash((${loadId})::VARCHAR, (${url})::VARCHAR, (${target})::VARCHAR) >> 1)::BIGINT`;
}

/**
 * Rows of `alias` that came from the files of connection/table loaded into `target` (bound as
 * $connection, $table, $target), optionally of one day ($day; NULL for a whole-table unit).
 */
export function fromFilesSql(alias: string, { day }: { day: boolean }): string {
  const dayFilter = day ? ' AND day IS NOT DISTINCT FROM $day::DATE' : '';
  const rowDay = day ? `${alias}._day IS NOT DISTINCT FROM $day::DATE AND ` : '';
  return `${rowDay}${alias}._file_id IN (SELECT file_id FROM s3bridge.source_files
    WHERE target = $target AND connection = $connection AND table_name = $table${dayFilter})`;
}

/** Replaces the entries of one unit's files (bound as in fromFilesSql, with the day) by those of its new load. */
export async function replaceSourceFiles(db: DuckDBConnection, unit: {
  target: string; connection: string; table: string; day: string | null; loadId: string; urlPrefix: string; files: readonly SourceFile[];
}): Promise<void> {
  const key = { target: unit.target, connection: unit.connection, table: unit.table };
  await db.run(`DELETE FROM s3bridge.source_files
    WHERE target = $target AND connection = $connection AND table_name = $table AND day IS NOT DISTINCT FROM $day::DATE`, { ...key, day: unit.day });
  if (unit.files.length === 0) return;
  await db.run(`INSERT INTO s3bridge.source_files (file_id, target, connection, table_name, day, source_key, etag, size, load_id, loaded_at)
    SELECT ${fileIdSql('$load', '$prefix || f.key', '$target')}, $target, $connection, $table, $day::DATE, f.key, f.etag, f.size, $load, now()
    FROM (SELECT unnest($keys) AS key, unnest($etags) AS etag, unnest($sizes) AS size) f`, {
    ...key, day: unit.day, load: unit.loadId, prefix: unit.urlPrefix,
    keys: listValue(unit.files.map((f) => f.key)), etags: listValue(unit.files.map((f) => f.etag)),
    sizes: listValue(unit.files.map((f) => BigInt(f.size))),
  }, { keys: LIST(VARCHAR), etags: LIST(VARCHAR), sizes: LIST(BIGINT) });
}

/** Forgets every file entry of a table's loads into `target`. */
export async function deleteSourceFiles(db: DuckDBConnection, key: { target: string; connection: string; table: string }): Promise<void> {
  await db.run('DELETE FROM s3bridge.source_files WHERE target = $target AND connection = $connection AND table_name = $table', key);
}

/** The schema of the lineage views: `lineage.<name>` is target `<schema>.<name>` with its rows' lineage joined back. */
const LINEAGE_SCHEMA = 'lineage';

/**
 * The columns the lineage view adds to a target's rows: what every row carried before lineage
 * moved to `source_files` (the names are reserved in file columns, so they cannot collide).
 */
const VIEW_COLUMNS = 'f.connection AS _connection, f.table_name AS _table, f.source_key AS _source_key, f.load_id AS _load_id';

/**
 * (Re)creates the target's lineage view. DuckDB fixes a view's columns when it is created, so a
 * raw table that gains a column gets its view again.
 */
export async function createLineageView(db: DuckDBConnection, target: TargetTable): Promise<void> {
  await db.run(`CREATE SCHEMA IF NOT EXISTS ${LINEAGE_SCHEMA}`);
  await db.run(`CREATE OR REPLACE VIEW ${qualifiedName(LINEAGE_SCHEMA, target.name)} AS
    SELECT t.*, ${VIEW_COLUMNS} FROM ${qualifiedName(target.schema, target.name)} t
    LEFT JOIN (SELECT * FROM s3bridge.source_files WHERE target = ${quoteLiteral(`${target.schema}.${target.name}`)}) f ON f.file_id = t._file_id`);
}

export async function dropLineageView(db: DuckDBConnection, name: string): Promise<void> {
  await db.run(`DROP VIEW IF EXISTS ${qualifiedName(LINEAGE_SCHEMA, name)}`);
}
