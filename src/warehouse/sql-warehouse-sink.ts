import { ApplicationFailure } from '@temporalio/common';
import { LIST, listValue, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { ColumnSchema } from '../workflow-safe/catalog/discovered-table';
import { queryRows } from '../duckdb/query-rows';
import { quoteIdentifier } from '../duckdb/sql';
import { inTransaction } from '../duckdb/in-transaction';
import { checkedType, widenType } from '../workflow-safe/type-rule';
import type { EmbeddedWarehouse } from './embedded-database';
import { ensureBookkeepingTables } from './bookkeeping-tables';
import { readOnlyQuery, type ReadOnlyQueryOptions } from './read-only-query';
import { resetTable } from './reset-table';
import type { QueryWarehouseResult, ResetTableResult } from '../workflow-safe/inputs/warehouse-maintenance-input';
import { CANONICAL_COLUMNS, LINEAGE_COLUMNS, targetLabel, targetSql, type TargetTable } from './target-table';
import type { BatchCommitResult, CommitResult, LedgerEntry, UnitCommit, WarehouseSink } from './warehouse-sink';
import { insertSourceScan, ScanDeclined, withSourceAccess } from './source-scan-commit';
import { createLineageView, deleteSourceFiles, fromFilesSql, replaceSourceFiles } from './source-files';
import { hasLayout1Lineage, moveLineageToFiles } from './schema-upgrade';
import { entryScheme, schemeChangeRefused, schemeDiffers, WHOLE_TABLE_SCHEME } from './unit-scheme';


const FILES_TYPE = { files: LIST(VARCHAR) };

/** Runs `fn` on a connection whose default catalog holds the target tables and schema `s3bridge`. */
type WithWarehouseDb = <T>(fn: (db: DuckDBConnection) => Promise<T>) => Promise<T>;

export interface SqlSinkOptions {
  withDb: WithWarehouseDb;
  /** Who commits (recorded in the ledger): the worker's identity. */
  loadedBy: string;
  /**
   * Whether commits may read `bucket` themselves (a source scan), preparing the warehouse to
   * where it can; without it the sink reads no source.
   */
  readsSource?: (bucket: string) => Promise<boolean>;
  /** Closes the warehouse instance at its next idle moment (a direct commit's secret could not be dropped). */
  discardInstance?: () => void;
  /** Retries a commit that lost a write-write race with another process (DuckLake); none by default. */
  retry?: <T>(fn: () => Promise<T>) => Promise<T>;
}


/**
 * The warehouse in SQL over one DuckDB connection: the embedded DuckDB file, or a DuckLake
 * attached as the connection's default catalog (the same statements serve both).
 */
export class SqlWarehouseSink implements WarehouseSink {
  /**
   * One writer per warehouse: schema changes and replaces of the same table by concurrent day
   * loads would otherwise conflict in DuckDB's optimistic transactions. The queue is this sink's,
   * and the worker builds one sink per warehouse; across processes (the shared lake) conflicts
   * are retried instead (retryConflicts).
   */
  private writes: Promise<unknown> = Promise.resolve();
  /** The bookkeeping DDL once: two loads' first statements creating or altering the same tables at once would conflict in DuckDB's catalog. */
  private ensured: Promise<void> | undefined;

  constructor(private readonly options: SqlSinkOptions) {}

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.writes.catch(() => undefined).then(fn);
    this.writes = next;
    return next;
  }

  private use<T>(fn: (db: DuckDBConnection) => Promise<T>): Promise<T> {
    const { withDb, retry = (f) => f() } = this.options;
    if (!this.ensured) {
      const done = retry(() => withDb((db) => ensureBookkeepingTables(db)));
      this.ensured = done;
      done.catch(() => { if (this.ensured === done) this.ensured = undefined; });
    }
    return this.ensured.then(() => withDb(fn));
  }

  prepare(): Promise<void> {
    return this.use(() => Promise.resolve());
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

  async readsSource(bucket: string): Promise<boolean> {
    return (await this.options.readsSource?.(bucket)) ?? false;
  }

  query(sql: string, options: ReadOnlyQueryOptions): Promise<QueryWarehouseResult> {
    // Beside commits, not in their queue: the query can name nothing but the warehouse's tables
    // (not a file, URL or setting, so not a direct commit's S3 secret either), DuckDB's MVCC keeps
    // it apart from a commit, and it is interrupted at its deadline.
    return this.use((db) => readOnlyQuery(db, sql, options));
  }

  resetTable(connection: string, table: string): Promise<ResetTableResult> {
    const { retry = (f) => f() } = this.options;
    return this.serialized(() => retry(() => this.use((db) => resetTable(db, connection, table))));
  }

  async replaceUnit(commit: UnitCommit): Promise<CommitResult> {
    const { retry = (f) => f() } = this.options;
    const scan = commit.rows.kind === 'source-scan' ? commit.rows.scan : undefined;
    // Declined before the write queue: a store that cannot read sources should not make a day wait for its turn to say so.
    if (scan && !this.options.readsSource) return { status: 'declined', reason: 'source-unreadable', detail: 'this warehouse does not read sources' };
    const access = { scan, onRevokeFailed: this.options.discardInstance };
    try {
      return await this.serialized(() => retry(() => this.use((db) => withSourceAccess(db, access,
        () => inTransaction(db, () => replaceUnitIn(db, commit, this.options.loadedBy))))));
    } catch (error) {
      // Undone, nothing changed: the caller stages the unit instead.
      if (error instanceof ScanDeclined) return { status: 'declined', reason: error.reason, detail: error.message };
      throw error;
    }
  }

  async replaceUnits(commits: UnitCommit[]): Promise<BatchCommitResult[]> {
    const { retry = (f) => f() } = this.options;
    if (commits.some((c) => c.rows.kind !== 'staged')) throw new Error('replaceUnits commits staged units only');
    const results: (BatchCommitResult | undefined)[] = commits.map(() => undefined);
    // One transaction for every commit still in; a refused one rolls it back, is left out, and the rest go again.
    for (;;) {
      const pending = commits.map((commit, index) => ({ commit, index })).filter(({ index }) => results[index] === undefined);
      if (pending.length === 0) return results as BatchCommitResult[];
      try {
        const committed = await this.serialized(() => retry(() => this.use((db) => inTransaction(db, async () => {
          const done: CommitResult[] = [];
          for (const { commit, index } of pending) {
            done.push(await replaceUnitIn(db, commit, this.options.loadedBy).catch((error: unknown) => {
              throw refusedAlone(error) ? new CommitRefused(index, error) : error;
            }));
          }
          return done;
        }))));
        pending.forEach(({ index }, i) => {
          const result = committed[i]!;
          if (result.status !== 'committed') throw new Error(`the warehouse declined staged rows: ${result.detail}`);
          results[index] = result;
        });
      } catch (error) {
        if (!(error instanceof CommitRefused)) throw error;
        results[error.index] = { status: 'failed', error: error.refusal };
      }
    }
  }
}

/** A commit's own refusal (bad input, a scheme change): the batch commits without it. */
const refusedAlone = (error: unknown): error is ApplicationFailure => error instanceof ApplicationFailure && error.nonRetryable === true;

/** Thrown out of a batch's transaction to roll it back: which commit refused, and why. */
class CommitRefused extends Error {
  constructor(readonly index: number, readonly refusal: ApplicationFailure) {
    super(refusal.message);
  }
}

/** The exactly-once point: the unit's old rows, its rejects, its ledger entry and the accepted schema, replaced in the caller's transaction. */
async function replaceUnitIn(db: DuckDBConnection, commit: UnitCommit, loadedBy: string): Promise<CommitResult> {
  const label = targetLabel(commit.target);
  let replacedScheme: string | undefined;
  const other = (await readLedger(db, commit.connection, commit.table, label)).find((e) => schemeDiffers(e, commit.scheme));
  if (other) {
    const before = entryScheme(other) ?? WHOLE_TABLE_SCHEME;
    // A whole-table unit replaces the whole table anyway; a day replaces the old load only when the import said reload.
    if (commit.scheme !== WHOLE_TABLE_SCHEME && !commit.allowSchemeChange) throw schemeChangeRefused(commit.table, label, before, commit.scheme);
    replacedScheme = before;
  }
  await prepareTarget(db, commit);
  const target = targetSql(commit.target);
  const tableKey = { connection: commit.connection, table: commit.table };
  const bookkeepingKey = { ...tableKey, target: label, unit: commit.unit };
  if (replacedScheme !== undefined) {
    // The old load goes whole, in this same transaction: rows, their files, rejects and ledger entries.
    await db.run(`DELETE FROM ${target} t WHERE ${fromFilesSql('t', { day: false })}`, { ...tableKey, target: label });
    await deleteSourceFiles(db, { ...tableKey, target: label });
    await db.run('DELETE FROM s3bridge.rejects WHERE connection = $connection AND table_name = $table AND (target = $target OR target IS NULL)', { ...tableKey, target: label });
    await db.run('DELETE FROM s3bridge.load_ledger WHERE connection = $connection AND table_name = $table AND target = $target', { ...tableKey, target: label });
  } else {
    await db.run(`DELETE FROM ${target} t WHERE ${fromFilesSql('t', { day: true })}`, { ...tableKey, target: label, day: commit.day });
  }
  await replaceSourceFiles(db, { ...tableKey, target: label, day: commit.day, loadId: commit.loadId, urlPrefix: commit.urlPrefix, files: commit.files });
  let rows = commit.rowCount;
  const rejectFiles = commit.rows.kind === 'staged' ? commit.rows.rejectFiles : [];
  if (commit.rows.kind === 'source-scan') {
    rows = await insertSourceScan(db, target, commit.rows.scan);
  } else if (commit.rows.dataFiles.length > 0) {
    await db.run(`INSERT INTO ${target} BY NAME SELECT * FROM read_parquet($files, union_by_name=true)`,
      { files: listValue(commit.rows.dataFiles) }, FILES_TYPE);
  }
  const bookkeepingFilter = 'connection = $connection AND table_name = $table AND unit = $unit';
  // Rejects recorded before they carried a target (NULL) belong to whichever mapping reloads the unit first.
  await db.run(`DELETE FROM s3bridge.rejects WHERE ${bookkeepingFilter} AND (target = $target OR target IS NULL)`, bookkeepingKey);
  if (rejectFiles.length > 0) {
    await db.run(`INSERT INTO s3bridge.rejects (connection, table_name, unit, day, load_id, source_key, row_number, column_name, reason, raw, rejected_at, target)
      SELECT $connection, $table, $unit, $day::DATE, $loadId, source_key, row_number, column_name, reason, raw, now(), $target
      FROM read_parquet($files)`,
    { ...bookkeepingKey, day: commit.day, loadId: commit.loadId, files: listValue(rejectFiles) }, FILES_TYPE);
  }
  await db.run(`DELETE FROM s3bridge.load_ledger WHERE ${bookkeepingFilter} AND target = $target`, bookkeepingKey);
  await db.run(`INSERT INTO s3bridge.load_ledger (connection, table_name, unit, day, load_id, target, fingerprint, config_hash, files,
      file_count, bytes, row_count, rejected_rows, loaded_at, unit_scheme, loaded_by)
    VALUES ($connection, $table, $unit, $day::DATE, $loadId, $target,
      $fingerprint, $configHash, $files::JSON, $fileCount, $bytes, $rows, $rejectedRows, now(), $scheme, $loadedBy)`, {
    ...bookkeepingKey, day: commit.day, loadId: commit.loadId,
    fingerprint: commit.fingerprint, configHash: commit.configHash, files: JSON.stringify(commit.files),
    fileCount: commit.files.length, bytes: commit.files.reduce((n, f) => n + f.size, 0),
    rows, rejectedRows: commit.rejectedRows, scheme: commit.scheme, loadedBy,
  });
  // Rewritten only when it changes: every day of a table commits the same schema, and in the
  // lake two days' commits rewriting the same row would conflict and be retried whole.
  const columns = JSON.stringify(commit.acceptedColumns);
  const current = await readAcceptedColumns(db, commit.connection, commit.table);
  if (!current || JSON.stringify(current) !== columns) {
    await db.run('DELETE FROM s3bridge.accepted_schemas WHERE connection = $connection AND table_name = $table', tableKey);
    await db.run('INSERT INTO s3bridge.accepted_schemas VALUES ($connection, $table, $columns::JSON, now())', { ...tableKey, columns });
  }
  return { status: 'committed', rows, ...(replacedScheme !== undefined ? { replacedScheme } : {}) };
}

/** The embedded DuckDB warehouse file as a sink (its object shared with the catalog store: one per file and process). */
export function embeddedSink(warehouse: EmbeddedWarehouse, loadedBy: string): SqlWarehouseSink {
  return new SqlWarehouseSink({
    withDb: (fn) => warehouse.use(fn), loadedBy,
    readsSource: (bucket) => warehouse.sourceReadable(bucket),
    discardInstance: () => warehouse.closeWhenIdle(),
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

/** Creates the target on first load; evolves a raw table to the commit's columns (the drift policy already allowed it). */
async function prepareTarget(db: DuckDBConnection, commit: UnitCommit): Promise<void> {
  const { target } = commit;
  await db.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(target.schema)}`);
  let existing = await readTargetColumns(db, target);
  // A layout-1 table that appeared after the warehouse's upgrade (a worker of the previous release
  // during a rolling deploy, a restored backup) is moved to per-file lineage in this transaction.
  if (existing && hasLayout1Lineage(existing.map((c) => c.name))) {
    await moveLineageToFiles(db, target);
    existing = await readTargetColumns(db, target);
  }
  if (target.kind !== 'raw') {
    if (existing) return;
    const columns = [...CANONICAL_COLUMNS[target.kind], ...LINEAGE_COLUMNS]
      .map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
    await db.run(`CREATE TABLE ${targetSql(target)} (${columns})`);
    await createLineageView(db, target);
    return;
  }
  // The scan built these columns: described once, where the rows were planned.
  const stagedColumns = commit.columns;
  if (!existing) {
    const columns = stagedColumns.map((c) => `${quoteIdentifier(c.name)} ${checkedType(c.type, `column "${c.name}"`)}`).join(', ');
    await db.run(`CREATE TABLE ${targetSql(target)} (${columns})`);
    await createLineageView(db, target);
    return;
  }
  const current = new Map(existing.map((c) => [c.name, c.type]));
  let altered = false;
  for (const column of stagedColumns) {
    const type = current.get(column.name);
    if (type === undefined) {
      await db.run(`ALTER TABLE ${targetSql(target)} ADD COLUMN ${quoteIdentifier(column.name)} ${checkedType(column.type, `column "${column.name}"`)}`);
      altered = true;
    } else if (type !== column.type) {
      const wider = widenType(type, column.type);
      if (wider !== type) {
        await db.run(`ALTER TABLE ${targetSql(target)} ALTER ${quoteIdentifier(column.name)} TYPE ${wider}`);
        altered = true;
      }
    }
  }
  if (altered) await createLineageView(db, target);
}
