import { LIST, listValue, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { Settings } from '../config/settings';
import type { ColumnSchema } from '../shared/catalog/discovered-table';
import { queryRows } from '../duckdb/query-rows';
import { quoteIdentifier } from '../duckdb/sql';
import { widenColumnType } from '../import/column-types';
import { inTransaction, withWarehouse } from './embedded-database';
import { ensureBookkeepingTables } from './bookkeeping-tables';
import { CANONICAL_COLUMNS, LINEAGE_COLUMNS, targetLabel, targetSql, type TargetTable } from './target-table';
import type { LedgerEntry, ReplaceResult, StagedUnit, WarehouseSink } from './warehouse-sink';
import { entryScheme, schemeChangeRefused, schemeDiffers, WHOLE_TABLE_SCHEME } from './unit-scheme';

// One writer per warehouse file in this process: schema changes and replaces of the same table
// by concurrent day loads would otherwise conflict in DuckDB's optimistic transactions.
const writeQueues = new Map<string, Promise<unknown>>();

function serialized<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const previous = writeQueues.get(file) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(fn);
  writeQueues.set(file, next);
  return next;
}

const FILES_TYPE = { files: LIST(VARCHAR) };

// The bookkeeping DDL once per warehouse file and process: two loads' first statements creating
// or altering the same tables at once would conflict in DuckDB's catalog.
const ensured = new Map<string, Promise<void>>();

function ensureOnce(file: string, db: DuckDBConnection): Promise<void> {
  let done = ensured.get(file);
  if (!done) {
    done = ensureBookkeepingTables(db);
    ensured.set(file, done);
    done.catch(() => ensured.delete(file));
  }
  return done;
}

/** The embedded DuckDB warehouse file as a sink. */
export class DuckDBSink implements WarehouseSink {
  constructor(private readonly settings: Settings) {}

  private use<T>(fn: (db: DuckDBConnection) => Promise<T>): Promise<T> {
    return withWarehouse(this.settings, async (db) => {
      await ensureOnce(this.settings.warehousePath, db);
      return fn(db);
    });
  }

  ledger(connection: string, table: string, target: TargetTable): Promise<LedgerEntry[]> {
    return this.use((db) => readLedger(db, connection, table, targetLabel(target)));
  }

  acceptedColumns(connection: string, table: string): Promise<ColumnSchema[] | undefined> {
    return this.use(async (db) => {
      const [row] = await queryRows<{ columns: string }>(db,
        'SELECT columns FROM s3bridge.accepted_schemas WHERE connection = $connection AND table_name = $table', { connection, table });
      return row ? (JSON.parse(row.columns) as ColumnSchema[]) : undefined;
    });
  }

  targetColumns(target: TargetTable): Promise<ColumnSchema[] | undefined> {
    return this.use((db) => readTargetColumns(db, target));
  }

  replaceUnit(staged: StagedUnit): Promise<ReplaceResult> {
    return serialized(this.settings.warehousePath, () => this.use((db) => inTransaction(db, async () => {
      const label = targetLabel(staged.target);
      const result: ReplaceResult = {};
      const other = (await readLedger(db, staged.connection, staged.table, label)).find((e) => schemeDiffers(e, staged.scheme));
      if (other) {
        const before = entryScheme(other) ?? WHOLE_TABLE_SCHEME;
        // A whole-table unit replaces the whole table anyway; a day replaces the old load only when the import said reload.
        if (staged.scheme !== WHOLE_TABLE_SCHEME && !staged.allowSchemeChange) throw schemeChangeRefused(staged.table, label, before, staged.scheme);
        result.replacedScheme = before;
      }
      await prepareTarget(db, staged);
      const target = targetSql(staged.target);
      const tableKey = { connection: staged.connection, table: staged.table };
      const bookkeepingKey = { ...tableKey, target: label, unit: staged.unit };
      if (result.replacedScheme !== undefined) {
        // The old load goes whole, in this same transaction: rows, rejects and ledger entries.
        await db.run(`DELETE FROM ${target} WHERE _connection = $connection AND _table = $table`, tableKey);
        await db.run('DELETE FROM s3bridge.rejects WHERE connection = $connection AND table_name = $table AND (target = $target OR target IS NULL)', { ...tableKey, target: label });
        await db.run('DELETE FROM s3bridge.load_ledger WHERE connection = $connection AND table_name = $table AND target = $target', { ...tableKey, target: label });
      } else {
        await db.run(`DELETE FROM ${target} WHERE _connection = $connection AND _table = $table AND _day IS NOT DISTINCT FROM $day::DATE`,
          { ...tableKey, day: staged.day });
      }
      if (staged.dataFiles.length > 0) {
        await db.run(`INSERT INTO ${target} BY NAME SELECT * FROM read_parquet($files, union_by_name=true)`,
          { files: listValue(staged.dataFiles) }, FILES_TYPE);
      }
      const bookkeepingFilter = 'connection = $connection AND table_name = $table AND unit = $unit';
      // Rejects recorded before they carried a target (NULL) belong to whichever mapping reloads the unit first.
      await db.run(`DELETE FROM s3bridge.rejects WHERE ${bookkeepingFilter} AND (target = $target OR target IS NULL)`, bookkeepingKey);
      if (staged.rejectFiles.length > 0) {
        await db.run(`INSERT INTO s3bridge.rejects (connection, table_name, unit, day, load_id, source_key, row_number, column_name, reason, raw, rejected_at, target)
          SELECT $connection, $table, $unit, $day::DATE, $loadId, source_key, row_number, column_name, reason, raw, now(), $target
          FROM read_parquet($files)`,
        { ...bookkeepingKey, day: staged.day, loadId: staged.loadId, files: listValue(staged.rejectFiles) }, FILES_TYPE);
      }
      await db.run(`DELETE FROM s3bridge.load_ledger WHERE ${bookkeepingFilter} AND target = $target`, bookkeepingKey);
      await db.run(`INSERT INTO s3bridge.load_ledger (connection, table_name, unit, day, load_id, target, fingerprint, config_hash, files,
          file_count, bytes, row_count, rejected_rows, loaded_at, unit_scheme)
        VALUES ($connection, $table, $unit, $day::DATE, $loadId, $target,
          $fingerprint, $configHash, $files::JSON, $fileCount, $bytes, $rows, $rejectedRows, now(), $scheme)`, {
        ...bookkeepingKey, day: staged.day, loadId: staged.loadId,
        fingerprint: staged.fingerprint, configHash: staged.configHash, files: JSON.stringify(staged.files),
        fileCount: staged.files.length, bytes: staged.files.reduce((n, f) => n + f.size, 0),
        rows: staged.rows, rejectedRows: staged.rejectedRows, scheme: staged.scheme,
      });
      await db.run('DELETE FROM s3bridge.accepted_schemas WHERE connection = $connection AND table_name = $table', tableKey);
      await db.run('INSERT INTO s3bridge.accepted_schemas VALUES ($connection, $table, $columns::JSON, now())',
        { ...tableKey, columns: JSON.stringify(staged.acceptedColumns) });
      return result;
    })));
  }
}

async function readLedger(db: DuckDBConnection, connection: string, table: string, target: string): Promise<LedgerEntry[]> {
  const rows = await queryRows<{
    unit: string; day: string | null; load_id: string; target: string; fingerprint: string; config_hash: string;
    file_count: number; bytes: bigint; row_count: bigint; rejected_rows: bigint; loaded_at: string; unit_scheme: string | null;
  }>(db, `SELECT unit, day::VARCHAR AS day, load_id, target, fingerprint, config_hash, file_count, bytes, row_count,
                 rejected_rows, loaded_at::VARCHAR AS loaded_at, unit_scheme
          FROM s3bridge.load_ledger WHERE connection = $connection AND table_name = $table AND target = $target ORDER BY unit`,
  { connection, table, target });
  return rows.map((r) => ({
    unit: r.unit, day: r.day, loadId: r.load_id, target: r.target, fingerprint: r.fingerprint, configHash: r.config_hash,
    fileCount: r.file_count, bytes: Number(r.bytes), rows: Number(r.row_count), rejectedRows: Number(r.rejected_rows),
    loadedAt: r.loaded_at, scheme: r.unit_scheme,
  }));
}

async function readTargetColumns(db: DuckDBConnection, target: TargetTable): Promise<ColumnSchema[] | undefined> {
  const rows = await queryRows<{ name: string; type: string }>(db,
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_schema = $schema AND table_name = $name ORDER BY ordinal_position`,
  { schema: target.schema, name: target.name });
  return rows.length > 0 ? rows : undefined;
}

/** Creates the target on first load; evolves a raw table to the staged columns (the drift policy already allowed it). */
async function prepareTarget(db: DuckDBConnection, staged: StagedUnit): Promise<void> {
  const { target } = staged;
  await db.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(target.schema)}`);
  const existing = await readTargetColumns(db, target);
  if (target.kind !== 'raw') {
    if (existing) return;
    const columns = [...CANONICAL_COLUMNS[target.kind], ...LINEAGE_COLUMNS]
      .map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
    await db.run(`CREATE TABLE ${targetSql(target)} (${columns})`);
    return;
  }
  const described = await db.runAndReadAll(
    'SELECT column_name AS name, column_type AS type FROM (DESCRIBE SELECT * FROM read_parquet($files, union_by_name=true))',
    { files: listValue(staged.dataFiles) }, FILES_TYPE);
  const stagedColumns = described.getRowObjectsJS() as { name: string; type: string }[];
  if (!existing) {
    const columns = stagedColumns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
    await db.run(`CREATE TABLE ${targetSql(target)} (${columns})`);
    return;
  }
  const current = new Map(existing.map((c) => [c.name, c.type]));
  for (const column of stagedColumns) {
    const type = current.get(column.name);
    if (type === undefined) {
      await db.run(`ALTER TABLE ${targetSql(target)} ADD COLUMN ${quoteIdentifier(column.name)} ${column.type}`);
    } else if (type !== column.type) {
      const wider = widenColumnType(type, column.type);
      if (wider !== type) await db.run(`ALTER TABLE ${targetSql(target)} ALTER ${quoteIdentifier(column.name)} TYPE ${wider}`);
    }
  }
}
