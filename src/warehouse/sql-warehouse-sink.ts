import { LIST, listValue, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { Settings } from '../config/settings';
import type { ColumnSchema } from '../workflow-safe/catalog/discovered-table';
import { queryRows } from '../duckdb/query-rows';
import { quoteIdentifier } from '../duckdb/sql';
import { inTransaction } from '../duckdb/in-transaction';
import { widenColumnType } from '../import/column-types';
import { closeWarehouseWhenIdle, readBucketFromNextOpen, withWarehouse } from './embedded-database';
import { ensureBookkeepingTables } from './bookkeeping-tables';
import { readOnlyQuery, type ReadOnlyQueryOptions } from './read-only-query';
import { resetTable } from './reset-table';
import type { QueryWarehouseResult, ResetTableResult } from '../workflow-safe/inputs/warehouse-maintenance-input';
import { CANONICAL_COLUMNS, LINEAGE_COLUMNS, targetLabel, targetSql, type TargetTable } from './target-table';
import { DIRECT_ROWS_REJECTED, DIRECT_UNAVAILABLE, DirectLoadDeclined, type DirectRows, type LedgerEntry, type ReplaceResult, type StagedUnit, type WarehouseSink } from './warehouse-sink';
import { entryScheme, schemeChangeRefused, schemeDiffers, WHOLE_TABLE_SCHEME } from './unit-scheme';

// One writer per warehouse in this process: schema changes and replaces of the same table by
// concurrent day loads would otherwise conflict in DuckDB's optimistic transactions. Across
// processes (the shared lake) conflicts are retried instead (retryConflicts).
const writeQueues = new Map<string, Promise<unknown>>();

function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = writeQueues.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(fn);
  writeQueues.set(key, next);
  return next;
}

const FILES_TYPE = { files: LIST(VARCHAR) };

/** Runs `fn` on a connection whose default catalog holds the target tables and schema `s3bridge`. */
export type WithWarehouseDb = <T>(fn: (db: DuckDBConnection) => Promise<T>) => Promise<T>;

export interface SqlSinkOptions {
  withDb: WithWarehouseDb;
  /** Names the warehouse for this process's write queue and its bookkeeping DDL. */
  writeKey: string;
  /** Who commits (recorded in the ledger): the worker's identity. */
  loadedBy: string;
  /**
   * Whether commits may read the source themselves (DirectRows), and what to call before a load
   * from `bucket` so the warehouse can; without it every direct load is declined at once.
   */
  prepareSourceReads?: (bucket: string) => Promise<void>;
  /** Closes the warehouse instance at its next idle moment (a direct commit's secret could not be dropped). */
  discardInstance?: () => void;
  /** Retries a commit that lost a write-write race with another process (DuckLake); none by default. */
  retry?: <T>(fn: () => Promise<T>) => Promise<T>;
}

// The bookkeeping DDL once per warehouse (its writeKey) and process: two loads' first statements
// creating or altering the same tables at once would conflict in DuckDB's catalog.
const ensured = new Map<string, Promise<void>>();

function ensureOnce(key: string, run: () => Promise<void>): Promise<void> {
  let done = ensured.get(key);
  if (!done) {
    done = run();
    ensured.set(key, done);
    done.catch(() => ensured.delete(key));
  }
  return done;
}

/**
 * The warehouse in SQL over one DuckDB connection: the embedded DuckDB file, or a DuckLake
 * attached as the connection's default catalog (the same statements serve both).
 */
export class SqlWarehouseSink implements WarehouseSink {
  constructor(private readonly options: SqlSinkOptions) {}

  private use<T>(fn: (db: DuckDBConnection) => Promise<T>): Promise<T> {
    const { withDb, writeKey, retry = (f) => f() } = this.options;
    return ensureOnce(writeKey, () => retry(() => withDb((db) => ensureBookkeepingTables(db)))).then(() => withDb(fn));
  }

  ledger(connection: string, table: string, target: TargetTable): Promise<LedgerEntry[]> {
    return this.use((db) => readLedger(db, connection, table, targetLabel(target)));
  }

  acceptedColumns(connection: string, table: string): Promise<ColumnSchema[] | undefined> {
    return this.use((db) => readAcceptedColumns(db, connection, table));
  }

  targetColumns(target: TargetTable): Promise<ColumnSchema[] | undefined> {
    return this.use((db) => readTargetColumns(db, target));
  }

  read<T>(fn: (db: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.use(fn);
  }

  async prepareSourceReads(bucket: string): Promise<void> {
    await this.options.prepareSourceReads?.(bucket);
  }

  query(sql: string, options: ReadOnlyQueryOptions): Promise<QueryWarehouseResult> {
    // Beside commits, not in their queue: the query can name nothing but the warehouse's tables
    // (not a file, URL or setting, so not a direct commit's S3 secret either), DuckDB's MVCC keeps
    // it apart from a commit, and it is interrupted at its deadline.
    return this.use((db) => readOnlyQuery(db, sql, options));
  }

  resetTable(connection: string, table: string): Promise<ResetTableResult> {
    const { retry = (f) => f() } = this.options;
    return serialized(this.options.writeKey, () => retry(() => this.use((db) => resetTable(db, connection, table))));
  }

  replaceUnit(staged: StagedUnit): Promise<ReplaceResult> {
    const { retry = (f) => f() } = this.options;
    // Declined before the write queue: a store that cannot read sources should not make a day wait for its turn to say so.
    if (staged.direct && !this.options.prepareSourceReads) {
      return Promise.reject(new DirectLoadDeclined(DIRECT_UNAVAILABLE, 'this warehouse does not read sources'));
    }
    const access = { direct: staged.direct, onRevokeFailed: this.options.discardInstance };
    return serialized(this.options.writeKey, () => retry(() => this.use((db) => withDirectAccess(db, access, () => inTransaction(db, async () => {
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
      let rows = staged.rows;
      if (staged.direct) {
        rows = await insertDirect(db, target, staged.direct);
        result.rows = rows;
      } else if (staged.dataFiles.length > 0) {
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
          file_count, bytes, row_count, rejected_rows, loaded_at, unit_scheme, loaded_by)
        VALUES ($connection, $table, $unit, $day::DATE, $loadId, $target,
          $fingerprint, $configHash, $files::JSON, $fileCount, $bytes, $rows, $rejectedRows, now(), $scheme, $loadedBy)`, {
        ...bookkeepingKey, day: staged.day, loadId: staged.loadId,
        fingerprint: staged.fingerprint, configHash: staged.configHash, files: JSON.stringify(staged.files),
        fileCount: staged.files.length, bytes: staged.files.reduce((n, f) => n + f.size, 0),
        rows, rejectedRows: staged.rejectedRows, scheme: staged.scheme, loadedBy: this.options.loadedBy,
      });
      // Rewritten only when it changes: every day of a table commits the same schema, and in the
      // lake two days' commits rewriting the same row would conflict and be retried whole.
      const columns = JSON.stringify(staged.acceptedColumns);
      const current = await readAcceptedColumns(db, staged.connection, staged.table);
      if (!current || JSON.stringify(current) !== columns) {
        await db.run('DELETE FROM s3bridge.accepted_schemas WHERE connection = $connection AND table_name = $table', tableKey);
        await db.run('INSERT INTO s3bridge.accepted_schemas VALUES ($connection, $table, $columns::JSON, now())', { ...tableKey, columns });
      }
      return result;
    })))));
  }
}

/**
 * For a direct load: checks the warehouse may read the bucket, gives this connection access to
 * it for the commit alone (the secret is dropped after, whatever happens), reads in UTC like
 * the S3 DuckDB, and lets the caller's abort interrupt the read.
 */
async function withDirectAccess<T>(
  db: DuckDBConnection,
  { direct, onRevokeFailed }: { direct: DirectRows | undefined; onRevokeFailed?: () => void },
  fn: () => Promise<T>,
): Promise<T> {
  if (!direct) return fn();
  const [setting] = await queryRows<{ dirs: string[] | null }>(db, "SELECT current_setting('allowed_directories') AS dirs");
  // DuckDB shows `s3://b/` as `s3:/b/` (its path normalization).
  if (!(setting?.dirs ?? []).some((dir) => dir.replace(/^s3:\/+/, 's3://') === `s3://${direct.bucket}/`)) {
    throw new DirectLoadDeclined(DIRECT_UNAVAILABLE, `the warehouse cannot read s3://${direct.bucket}/`);
  }
  await db.run("SET SESSION TimeZone = 'UTC'");
  const stop = () => db.interrupt();
  direct.signal?.addEventListener('abort', stop);
  // An abort while the day waited for the write queue fired before the listener existed.
  if (direct.signal?.aborted) {
    direct.signal.removeEventListener('abort', stop);
    throw new Error('the load was cancelled before its commit');
  }
  const revoke = await direct.grantAccess(db);
  try {
    return await fn();
  } finally {
    direct.signal?.removeEventListener('abort', stop);
    // The commit's outcome stands either way; a secret that could not be dropped goes with the instance.
    await revoke().catch(() => onRevokeFailed?.());
  }
}

/** Inserts a direct load's rows; a bad row, a count short of the footers' or a failed check undoes the transaction. */
async function insertDirect(db: DuckDBConnection, target: string, direct: DirectRows): Promise<number> {
  let inserted = 0;
  for (const select of direct.selects) {
    let reader;
    try {
      reader = await db.runAndReadAll(`INSERT INTO ${target} BY NAME ${select.sql}`, { ...select.params, files: listValue(select.files) }, FILES_TYPE);
    } catch (error) {
      if (String(error).includes(direct.rejectedMarker)) throw new DirectLoadDeclined(DIRECT_ROWS_REJECTED, 'a row failed the checks');
      throw error;
    }
    inserted += Number((reader.getRowObjectsJS()[0] as { Count?: bigint } | undefined)?.Count ?? 0);
  }
  if (direct.expectedRows !== undefined && inserted !== direct.expectedRows) {
    throw new DirectLoadDeclined(DIRECT_ROWS_REJECTED, `${direct.expectedRows - inserted} of ${direct.expectedRows} rows failed the checks`);
  }
  const declined = await direct.verify?.(db);
  if (declined) throw new DirectLoadDeclined(DIRECT_ROWS_REJECTED, declined);
  return inserted;
}

/** The embedded DuckDB warehouse file as a sink. */
export function embeddedSink(settings: Settings, loadedBy: string): SqlWarehouseSink {
  return new SqlWarehouseSink({
    withDb: (fn) => withWarehouse(settings, fn), writeKey: settings.warehousePath, loadedBy,
    prepareSourceReads: (bucket) => readBucketFromNextOpen(settings, bucket),
    discardInstance: () => closeWarehouseWhenIdle(settings),
  });
}

async function readAcceptedColumns(db: DuckDBConnection, connection: string, table: string): Promise<ColumnSchema[] | undefined> {
  const [row] = await queryRows<{ columns: string }>(db,
    'SELECT columns FROM s3bridge.accepted_schemas WHERE connection = $connection AND table_name = $table', { connection, table });
  return row ? (JSON.parse(row.columns) as ColumnSchema[]) : undefined;
}

async function readLedger(db: DuckDBConnection, connection: string, table: string, target: string): Promise<LedgerEntry[]> {
  const rows = await queryRows<{
    unit: string; day: string | null; load_id: string; target: string; fingerprint: string; config_hash: string;
    file_count: number; bytes: bigint; row_count: bigint; rejected_rows: bigint; loaded_at: string; unit_scheme: string | null;
    loaded_by: string | null;
  }>(db, `SELECT unit, day::VARCHAR AS day, load_id, target, fingerprint, config_hash, file_count, bytes, row_count,
                 rejected_rows, loaded_at::VARCHAR AS loaded_at, unit_scheme, loaded_by
          FROM s3bridge.load_ledger WHERE connection = $connection AND table_name = $table AND target = $target ORDER BY unit`,
  { connection, table, target });
  return rows.map((r) => ({
    unit: r.unit, day: r.day, loadId: r.load_id, target: r.target, fingerprint: r.fingerprint, configHash: r.config_hash,
    fileCount: r.file_count, bytes: Number(r.bytes), rows: Number(r.row_count), rejectedRows: Number(r.rejected_rows),
    loadedAt: r.loaded_at, scheme: r.unit_scheme, loadedBy: r.loaded_by,
  }));
}

async function readTargetColumns(db: DuckDBConnection, target: TargetTable): Promise<ColumnSchema[] | undefined> {
  const rows = await queryRows<{ name: string; type: string }>(db,
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_catalog = current_database() AND table_schema = $schema AND table_name = $name ORDER BY ordinal_position`,
  { schema: target.schema, name: target.name });
  return rows.length > 0 ? rows : undefined;
}

/** The columns of the unit's rows: the staged files', or the direct SELECTs' (merged, a type both can hold where they differ). */
async function describeRows(db: DuckDBConnection, staged: StagedUnit): Promise<ColumnSchema[]> {
  if (!staged.direct) {
    const reader = await db.runAndReadAll(
      'SELECT column_name AS name, column_type AS type FROM (DESCRIBE SELECT * FROM read_parquet($files, union_by_name=true))',
      { files: listValue(staged.dataFiles) }, FILES_TYPE);
    return reader.getRowObjectsJS() as unknown as ColumnSchema[];
  }
  const columns = new Map<string, string>();
  for (const select of staged.direct.selects) {
    const reader = await db.runAndReadAll(`SELECT column_name AS name, column_type AS type FROM (DESCRIBE ${select.sql})`,
      { ...select.params, files: listValue(select.files) }, FILES_TYPE);
    const described = reader.getRowObjectsJS() as unknown as ColumnSchema[];
    for (const c of described) {
      const seen = columns.get(c.name);
      columns.set(c.name, seen === undefined ? c.type : widenColumnType(seen, c.type));
    }
  }
  return [...columns].map(([name, type]) => ({ name, type }));
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
  const stagedColumns = await describeRows(db, staged);
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
