import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { ColumnSchema } from '../workflow-safe/catalog/discovered-table';
import type { SourceFile } from '../workflow-safe/import/source-file';
import type { TargetTable } from './target-table';
import type { ReadOnlyQueryOptions } from './read-only-query';
import type { QueryWarehouseResult, ResetTableResult } from '../workflow-safe/inputs/warehouse-maintenance-input';

/** What the ledger knows of one loaded unit (a day, or a whole unpartitioned table). */
export interface LedgerEntry {
  unit: string;
  day: string | null;
  loadId: string;
  target: string;
  fingerprint: string;
  configHash: string;
  fileCount: number;
  bytes: number;
  rows: number;
  rejectedRows: number;
  loadedAt: string;
  /** The unit scheme it was loaded under (see unitScheme); null for loads recorded before schemes were. */
  scheme: string | null;
  /** The worker that committed it (its Temporal identity); null for loads recorded before workers were. */
  loadedBy?: string | null;
}

/**
 * The rows of a unit as one scan the warehouse runs itself, in the commit's transaction: the
 * one-pass load (no local staging). The warehouse must be allowed to read the bucket.
 */
export interface SourceScan {
  /** SELECTs of the mapped rows, lineage columns included, failing at a bad row; each binds its file URLs as `$files`. */
  selects: { sql: string; params: Record<string, DuckDBValue>; files: string[] }[];
  bucket: string;
  /** The rows the files declare (Parquet footers): a different count declines the commit. */
  expectedRows?: number;
  /** Checks after the inserts, in the transaction: a reason to decline the commit (lines the reader set aside), or undefined. */
  verify?: (db: DuckDBConnection) => Promise<string | undefined>;
  /** Gives the warehouse connection access to the bucket (a temporary secret); returns how to take it away. */
  grantAccess: (db: DuckDBConnection) => Promise<() => Promise<void>>;
  /** Aborting interrupts the read. */
  signal?: AbortSignal;
  /** The message a SELECT fails with at a bad row (the commit is then declined: the rows must be staged to record it). */
  rejectedMarker: string;
}

/**
 * How a unit's rows reach the warehouse, one commit type the sink understands: read from the
 * source by the warehouse itself inside the commit, or from local Parquet files staged before.
 */
type UnitRows =
  | { kind: 'source-scan'; scan: SourceScan }
  | { kind: 'staged'; dataFiles: string[]; rejectFiles: string[] };

/** One unit's load, ready to replace the unit in the warehouse. */
export interface UnitCommit {
  connection: string;
  table: string;
  unit: string;
  day: string | null;
  loadId: string;
  target: TargetTable;
  rows: UnitRows;
  /** What each file's key is read as (`s3://<bucket>/`): a file's ID in `s3bridge.source_files` is computed from its URL. */
  urlPrefix: string;
  /** The rows' columns (data, partition, lineage), as the scan built them: the target table is created or evolved to them. */
  columns: ColumnSchema[];
  files: SourceFile[];
  fingerprint: string;
  configHash: string;
  /** Rows staged (a source scan counts its own) and rows rejected. */
  rowCount: number;
  rejectedRows: number;
  /** The source schema this load followed; later loads compare new files against it (drift). */
  acceptedColumns: ColumnSchema[];
  /** The table's unit scheme now (see unitScheme). */
  scheme: string;
  /**
   * Whether a per-day unit may replace a load of another scheme (the import was started with
   * reload). A whole-table unit always may: it replaces the whole table in its transaction.
   */
  allowSchemeChange: boolean;
}

/**
 * What a commit did: committed (with what it replaced besides the unit), or declined a source
 * scan (a row failed the checks, or the warehouse cannot read the bucket), having changed
 * nothing: the caller stages the unit, which records the rejects or names the file at fault.
 */
export type CommitResult =
  | { status: 'committed'; rows: number; replacedScheme?: string }
  | { status: 'declined'; reason: 'rows-rejected' | 'source-unreadable'; detail: string };

/** One commit's outcome in a batch: committed, or refused alone (its error) while the others committed. */
export type BatchCommitResult =
  | { status: 'committed'; rows: number; replacedScheme?: string }
  | { status: 'failed'; error: Error };

/**
 * Where imported rows go. The embedded DuckDB file is the default; a DuckLake (Parquet on S3,
 * metadata in Postgres) serves several workers with the same calls (src/lake/). replaceUnit is the exactly-once point:
 * the unit's old rows, its rejects and its ledger entry change together or not at all.
 */
export interface WarehouseSink {
  /** Creates the bookkeeping tables and upgrades a warehouse of an older layout (schema-upgrade.ts); every other call does it first too. */
  prepare(): Promise<void>;
  /** The table's ledger for one target: two mappings of one table keep separate ledgers. */
  ledger(connection: string, table: string, target: TargetTable): Promise<LedgerEntry[]>;
  /** The source columns the table's loads last followed, if any load was committed. */
  acceptedColumns(connection: string, table: string): Promise<ColumnSchema[] | undefined>;
  /** The warehouse table's columns, or undefined before its first load. */
  targetColumns(target: TargetTable): Promise<ColumnSchema[] | undefined>;
  /** Replaces the unit in one transaction (rows, rejects, ledger, accepted schema), or declines a source scan as a value. */
  replaceUnit(commit: UnitCommit): Promise<CommitResult>;
  /**
   * Replaces several staged units in one transaction, each as replaceUnit would (a batch of small
   * days: one commit instead of one each). A unit the warehouse refuses (a non-retryable failure,
   * such as a scheme change) is left out and the rest commit without it; any other error commits
   * none and is thrown. Results are in the commits' order.
   */
  replaceUnits(commits: UnitCommit[]): Promise<BatchCommitResult[]>;
  /**
   * The sink's capability, asked before a load plans its scan: whether a commit can read
   * `bucket` itself (a source scan). The embedded warehouse prepares to (a reopen when the
   * bucket became readable since it opened); the shared lake never does.
   */
  readsSource(bucket: string): Promise<boolean>;
  /**
   * Runs `fn` on a connection whose default catalog is the warehouse (its tables by their
   * schema-qualified names), for reads: export builds its lines from warehouse rows in SQL.
   */
  read<T>(fn: (db: DuckDBConnection) => Promise<T>): Promise<T>;
  /** Runs one read-only SELECT (refused otherwise) beside commits and returns at most `limit` rows; interrupted at its timeout. */
  query(sql: string, options: ReadOnlyQueryOptions): Promise<QueryWarehouseResult>;
  /** Forgets a table's imports (rows, ledger, rejects, accepted schema) in one transaction. */
  resetTable(connection: string, table: string): Promise<ResetTableResult>;
}
