import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../duckdb/query-rows';
import { qualifiedName, quoteIdentifier, quoteLiteral } from '../duckdb/sql';
import { inTransaction } from '../duckdb/in-transaction';
import { createLineageView, fileIdSql } from './source-files';
import type { TargetTable } from './target-table';

/**
 * The warehouse layout's version, in `s3bridge.schema_version`. A warehouse without the table
 * is version 1 (every row carried `_connection, _table, _day, _source_key, _load_id`).
 * 2: rows carry `_day` and `_file_id`, their files are in `s3bridge.source_files`, and
 * `lineage.<table>` views join them back.
 */
export const WAREHOUSE_SCHEMA_VERSION = 2;

const VERSION_1_LINEAGE = ['_connection', '_table', '_day', '_source_key', '_load_id'];

/** Where a ledger's `files` JSON (SourceFile[]) is read as rows. */
const LEDGER_FILE_TYPE = `'[{"key": "VARCHAR", "etag": "VARCHAR", "size": "BIGINT"}]'`;

/**
 * Brings the warehouse to the current layout in one transaction, so a warehouse is either all
 * old or all new: a crash midway leaves version 1 to upgrade again. Two workers upgrading a
 * shared lake at once conflict in their commit; the loser's retry finds version 2 and does nothing.
 */
export async function upgradeWarehouse(db: DuckDBConnection): Promise<{ from: number; tables: string[] }> {
  await db.run('CREATE TABLE IF NOT EXISTS s3bridge.schema_version (version INTEGER NOT NULL, upgraded_at TIMESTAMPTZ NOT NULL)');
  if (await currentVersion(db) >= WAREHOUSE_SCHEMA_VERSION) return { from: WAREHOUSE_SCHEMA_VERSION, tables: [] };
  return inTransaction(db, async () => {
    const from = await currentVersion(db);
    if (from >= WAREHOUSE_SCHEMA_VERSION) return { from, tables: [] };
    const tables = await version1Tables(db);
    for (const target of tables) await moveLineageToFiles(db, target);
    await db.run('INSERT INTO s3bridge.schema_version VALUES ($version, now())', { version: WAREHOUSE_SCHEMA_VERSION });
    return { from: from || 1, tables: tables.map((t) => `${t.schema}.${t.name}`) };
  });
}

/** Whether a table's columns are layout 1's (its rows carry the five lineage columns). */
export function hasLayout1Lineage(columns: readonly string[]): boolean {
  return VERSION_1_LINEAGE.every((c) => columns.includes(c));
}

async function currentVersion(db: DuckDBConnection): Promise<number> {
  const [row] = await queryRows<{ version: number | null }>(db, 'SELECT max(version) AS version FROM s3bridge.schema_version');
  return row?.version ?? 0;
}

/** The tables of the warehouse whose rows carry version 1's lineage columns. */
async function version1Tables(db: DuckDBConnection): Promise<TargetTable[]> {
  const rows = await queryRows<{ schema: string; name: string }>(db, `SELECT table_schema AS schema, table_name AS name
    FROM information_schema.columns
    WHERE table_catalog = current_database() AND table_schema IN ('raw', 'canonical') AND column_name IN (${VERSION_1_LINEAGE.map(quoteLiteral).join(', ')})
    GROUP BY ALL HAVING count(*) = ${VERSION_1_LINEAGE.length} ORDER BY ALL`);
  return rows.map((r) => ({ schema: r.schema, name: r.name, kind: r.schema === 'raw' ? 'raw' : (r.name as 'events' | 'metrics') }));
}

/**
 * One table: an entry per file (the ledger's files, which know ETag and size, and any file its
 * rows name that the ledger does not), then the table again with `_file_id` in place of the
 * four strings. A file's ID here hashes its load, key and target: the same file of the same
 * load gets the same ID in the entry and in its rows.
 */
export async function moveLineageToFiles(db: DuckDBConnection, target: TargetTable): Promise<void> {
  const label = `${target.schema}.${target.name}`;
  const table = qualifiedName(target.schema, target.name);
  const fileId = (load: string, key: string) => fileIdSql(load, key, '$target');
  await db.run(`INSERT INTO s3bridge.source_files (file_id, target, connection, table_name, day, source_key, etag, size, load_id, loaded_at)
    WITH listed AS (
      SELECT connection, table_name, day, load_id, loaded_at, f.key AS source_key, f.etag AS etag, f.size AS size
      FROM (SELECT *, unnest(from_json(files, ${LEDGER_FILE_TYPE})) AS f FROM s3bridge.load_ledger WHERE target = $target)
    ), named AS (
      SELECT connection, table_name, day, source_key, load_id FROM listed
      UNION
      SELECT DISTINCT _connection, _table, _day, _source_key, _load_id FROM ${table}
    )
    SELECT ${fileId('n.load_id', 'n.source_key')}, $target, n.connection, n.table_name, n.day, n.source_key, l.etag, l.size, n.load_id, l.loaded_at
    FROM named n LEFT JOIN listed l
      ON l.load_id IS NOT DISTINCT FROM n.load_id AND l.source_key IS NOT DISTINCT FROM n.source_key
      AND l.connection IS NOT DISTINCT FROM n.connection AND l.table_name IS NOT DISTINCT FROM n.table_name`, { target: label });
  // Rebuilt rather than altered: the columns keep their order (data, `_day`, `_file_id`) and no ALTER follows an UPDATE in one transaction.
  const rebuilt = quoteIdentifier(`${target.name}__s3bridge_v2`);
  await db.run(`CREATE TABLE ${quoteIdentifier(target.schema)}.${rebuilt} AS
    SELECT * EXCLUDE (_connection, _table, _day, _source_key, _load_id), _day, ${fileId('_load_id', '_source_key')} AS _file_id FROM ${table}`,
  { target: label });
  await db.run(`DROP TABLE ${table}`);
  await db.run(`ALTER TABLE ${quoteIdentifier(target.schema)}.${rebuilt} RENAME TO ${quoteIdentifier(target.name)}`);
  await createLineageView(db, target);
}
