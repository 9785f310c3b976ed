import type { DayFormat } from '../layout/day-folder';
import type { DiscoveryProblem } from '../discovery/discovery-problem';
import type { TableDiff } from '../discovery/schema-diff';

/** A concrete file format (the connection's `auto` resolves to one of these per table). */
export type FileFormat = 'parquet' | 'csv' | 'csv.gz' | 'tsv' | 'tsv.gz' | 'ndjson' | 'ndjson.gz';

/**
 * How a table's files are laid out below its prefix:
 * flat: data files directly (or in plain sub-folders); hive: `key=value/` levels;
 * day-folders: one folder per day (Statsig); segment-logs: `<source-id>/<received-day>/` (Segment's export read back).
 */
export type TableLayout = 'flat' | 'hive' | 'day-folders' | 'segment-logs';

export interface ColumnSchema {
  name: string;
  /** A DuckDB type name: BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP, ... */
  type: string;
  /**
   * The file's own name for the column when it differs from `name` and the rule cannot be
   * inverted (NDJSON keys that differ only in case: `Duck` beside `duck` loads as `Duck_1`).
   */
  key?: string;
}

export interface PartitionKey {
  name: string;
  type: string;
  /** Distinct values found, sorted. */
  values: string[];
}

/**
 * What discovery records about one table: the contract between discovery (which writes it
 * to the catalog) and import (which plans per-day units from it). Summaries only, no key lists.
 */
export interface DiscoveredTable {
  connection: string;
  name: string;
  /** The table's full key prefix, ending with "/". */
  prefix: string;
  layout: TableLayout;
  format: FileFormat;
  /** Partition keys in folder order; for day-folders the day folder is the key named `date`. */
  partitionKeys: PartitionKey[];
  /** The partition key that holds the day, when there is one; import plans one unit per value. */
  dayKey?: string;
  /**
   * How the day is spelled in folder names: day-folders and segment-logs, and a Hive day key
   * whose values share one spelling (`dt=20250101`). Partition values are recorded as ISO days.
   */
  dayFormat?: DayFormat;
  /** Data columns then partition columns, as DuckDB reads them (union by name). */
  columns: ColumnSchema[];
  fileCount: number;
  totalBytes: number;
  discoveredAt: string;
  /** Keys (relative to `prefix`) of the files whose schema was read: the N most recent. */
  sampledFiles?: string[];
  /** Objects left out as not data (`_SUCCESS`, `.crc`, hidden, zero-byte). */
  ignoredFileCount?: number;
  /** What discovery noticed without failing: ignored, odd-format, unreadable files, type conflicts. */
  problems?: DiscoveryProblem[];
  /** Set when listed from the catalog and a schema change is held for review (or was approved). */
  drift?: TableDrift;
}

/** A table's schema change held for review: imports wait until it is approved (or follow their drift policy). */
export interface TableDrift {
  status: 'pending' | 'approved';
  /** The change discovery found (columns, types, format) against the schema imports last followed. */
  diff: TableDiff;
  detectedAt: string;
  approvedAt?: string;
}
