import type { ColumnSchema } from '../shared/catalog/discovered-table';
import type { SourceFile } from '../import/source-file';
import type { TargetTable } from './target-table';

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
}

/** One unit's load, staged as local Parquet files, ready to replace the unit in the warehouse. */
export interface StagedUnit {
  connection: string;
  table: string;
  unit: string;
  day: string | null;
  loadId: string;
  target: TargetTable;
  /** Mapped rows, lineage columns included. */
  dataFiles: string[];
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
  /** The earlier load's unit scheme, when this commit replaced a load of another scheme. */
  replacedScheme?: string;
}

/**
 * Where imported rows go. The embedded DuckDB file is the default; a Parquet-on-S3 sink for
 * multi-worker deployments implements the same calls. replaceUnit is the exactly-once point:
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
}
