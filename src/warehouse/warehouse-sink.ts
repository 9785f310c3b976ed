import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { ColumnSchema } from '../workflow-safe/catalog/discovered-table';
import type { SourceFile } from '../import/source-file';
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
 * A unit's rows read from the source by the warehouse itself, in the commit's transaction: the
 * one-pass load (no local staging). The warehouse must be allowed to reach the bucket.
 */
export interface DirectRows {
  /** SELECTs of the mapped rows, lineage columns included, failing at a bad row; each binds its file URLs as `$files`. */
  selects: { sql: string; params: Record<string, DuckDBValue>; files: string[] }[];
  bucket: string;
  /** The rows the files declare (Parquet footers): a different count undoes the commit (DIRECT_ROWS_REJECTED). */
  expectedRows?: number;
  /** Checks after the inserts, in the transaction: a reason to undo the commit (CSV lines DuckDB set aside), or undefined. */
  verify?: (db: DuckDBConnection) => Promise<string | undefined>;
  /** Gives the warehouse connection access to the bucket (a temporary secret); returns how to take it away. */
  grantAccess: (db: DuckDBConnection) => Promise<() => Promise<void>>;
  /** Aborting interrupts the read. */
  signal?: AbortSignal;
  /** The message a SELECT fails with at a bad row (the commit is then undone as DIRECT_ROWS_REJECTED). */
  rejectedMarker: string;
}

/** A direct load found rows the checks reject: the caller stages the unit instead, which records them. */
export const DIRECT_ROWS_REJECTED = 'DirectRowsRejected';
/** The warehouse cannot read the bucket (a store without source access, or a bucket added since it opened). */
export const DIRECT_UNAVAILABLE = 'DirectLoadUnavailable';

export class DirectLoadDeclined extends Error {
  constructor(readonly reason: typeof DIRECT_ROWS_REJECTED | typeof DIRECT_UNAVAILABLE, message: string) {
    super(message);
    this.name = reason;
  }
}

/** One unit's load, staged as local Parquet files (or read directly, see DirectRows), ready to replace the unit in the warehouse. */
export interface StagedUnit {
  connection: string;
  table: string;
  unit: string;
  day: string | null;
  loadId: string;
  target: TargetTable;
  /** Mapped rows, lineage columns included. */
  dataFiles: string[];
  /** Instead of dataFiles: the rows read from the source in the commit itself. */
  direct?: DirectRows;
  /** Rejected rows (s3bridge.rejects columns). */
  rejectFiles: string[];
  files: SourceFile[];
  fingerprint: string;
  configHash: string;
  rows: number;
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

/** What a commit replaced besides the unit itself. */
export interface ReplaceResult {
  /** A direct load's rows, as inserted. */
  rows?: number;
  /** The earlier load's unit scheme, when this commit replaced a load of another scheme. */
  replacedScheme?: string;
}

/**
 * Where imported rows go. The embedded DuckDB file is the default; a DuckLake (Parquet on S3,
 * metadata in Postgres) serves several workers with the same calls (src/lake/). replaceUnit is the exactly-once point:
 * the unit's old rows, its rejects and its ledger entry change together or not at all.
 */
export interface WarehouseSink {
  /** The table's ledger for one target: two mappings of one table keep separate ledgers. */
  ledger(connection: string, table: string, target: TargetTable): Promise<LedgerEntry[]>;
  /** The source columns the table's loads last followed, if any load was committed. */
  acceptedColumns(connection: string, table: string): Promise<ColumnSchema[] | undefined>;
  /** The warehouse table's columns, or undefined before its first load. */
  targetColumns(target: TargetTable): Promise<ColumnSchema[] | undefined>;
  replaceUnit(staged: StagedUnit): Promise<ReplaceResult>;
  /** Before a load from `bucket`: lets the warehouse read it in the commit where it can (a direct load); a no-op elsewhere. */
  prepareSourceReads(bucket: string): Promise<void>;
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
