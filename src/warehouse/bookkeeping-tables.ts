import type { DuckDBConnection } from '@duckdb/node-api';
import { SOURCE_FILES_DDL } from './source-files';
import { upgradeWarehouse } from './schema-upgrade';

/**
 * The import's bookkeeping in schema `s3bridge`, in the warehouse file itself, so a unit's
 * replace and its ledger entry commit in one transaction. No primary keys: rows are replaced
 * by delete-then-insert inside that transaction, which DuckDB's index checks dislike.
 */
export async function ensureBookkeepingTables(db: DuckDBConnection): Promise<void> {
  await db.run('CREATE SCHEMA IF NOT EXISTS s3bridge');
  await db.run(`CREATE TABLE IF NOT EXISTS s3bridge.load_ledger (
    connection VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    day DATE,
    load_id VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL,
    config_hash VARCHAR NOT NULL,
    files JSON NOT NULL,
    file_count INTEGER NOT NULL,
    bytes BIGINT NOT NULL,
    row_count BIGINT NOT NULL,
    rejected_rows BIGINT NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    unit_scheme VARCHAR,
    loaded_by VARCHAR
  )`);
  await db.run(`CREATE TABLE IF NOT EXISTS s3bridge.rejects (
    connection VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    day DATE,
    load_id VARCHAR NOT NULL,
    source_key VARCHAR NOT NULL,
    row_number BIGINT,
    column_name VARCHAR,
    reason VARCHAR NOT NULL,
    raw VARCHAR,
    rejected_at TIMESTAMPTZ NOT NULL,
    target VARCHAR
  )`);
  // Added later: warehouse files created before gain them (NULL for their existing rows).
  // The unit scheme a unit was loaded under ("whole-table" or "day:<key>"): a table whose scheme
  // changes must replace its old load, not add to it.
  await addColumnIfMissing(db, 'load_ledger', 'unit_scheme');
  // Which worker committed the load (its Temporal identity): with several workers, who loaded which day.
  await addColumnIfMissing(db, 'load_ledger', 'loaded_by');
  // Rejects per target, like the ledger: two mappings of one table keep their own.
  await addColumnIfMissing(db, 'rejects', 'target');
  await db.run(`CREATE TABLE IF NOT EXISTS s3bridge.accepted_schemas (
    connection VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    columns JSON NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  )`);
  await db.run(SOURCE_FILES_DDL);
  await upgradeWarehouse(db);
}

/**
 * Looks before it alters: even a no-op `ADD COLUMN IF NOT EXISTS` is a catalog write, which
 * conflicts with the same statement in a concurrent transaction (two day loads at once).
 */
// Within the default catalog only: the shared setup attaches the catalog database beside the lake.
async function addColumnIfMissing(db: DuckDBConnection, table: string, column: string): Promise<void> {
  const reader = await db.runAndReadAll(
    "SELECT 1 FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = 's3bridge' AND table_name = $table AND column_name = $column",
    { table, column });
  if (reader.getRows().length > 0) return;
  await db.run(`ALTER TABLE s3bridge.${table} ADD COLUMN IF NOT EXISTS ${column} VARCHAR`);
}
