import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CommitResult, SourceScan, UnitCommit, WarehouseSink } from '../warehouse/warehouse-sink';
import { queryRows } from '../duckdb/query-rows';
import { quoteIdentifier } from '../duckdb/sql';
import { declaredRows } from '../formats/parquet';
import { goodRowsSql, planScans, ROW_REJECTED_MARKER, scanColumns, type UnitScan, type UnitSchema } from './plan-scans';
import { stageUnit } from './stage-unit';
import type { StageContext } from './stage-context';

/** The parts of a unit's commit the load does not decide: who, what, where, the ledger's facts. */
export type CommitBase = Omit<UnitCommit, 'rows' | 'columns' | 'rowCount' | 'rejectedRows'>;

export interface SourceScanOptions {
  /** Days whose objects average less stage (see Settings.directLoadMinFileBytes); undefined: every day stages. */
  minFileBytes: number | undefined;
  /** The sink's answer, asked before the scan was planned: can its commit read the bucket? */
  readable: boolean;
  grantAccess: (db: DuckDBConnection) => Promise<() => Promise<void>>;
}

export interface LoadedUnit {
  rows: number;
  rejectedRows: number;
  path: 'direct' | 'staged';
  replacedScheme?: string;
  /** Why the warehouse did not read the day itself (it staged). */
  staged?: string;
}

export const cancelledBeforeCommit = () => new CancelledFailure('import cancelled before the day was committed; the day is untouched');

/**
 * Runs a load's DuckDB work so that cancelling interrupts its query, and reports the interrupted
 * query (a DuckDB error) as the cancellation it is, with `cancelled` as its message.
 */
export async function interruptedByCancel<T>(db: DuckDBConnection, signal: AbortSignal, cancelled: string, fn: () => Promise<T>): Promise<T> {
  const stop = () => db.interrupt();
  signal.addEventListener('abort', stop);
  try {
    return await fn();
  } catch (error) {
    if (signal.aborted && !(error instanceof CancelledFailure)) throw new CancelledFailure(cancelled);
    throw error;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/** Lines the reader set aside (a malformed CSV line, a value that does not convert, an NDJSON line that does not read): any declines the scan. */
async function linesSetAside(db: DuckDBConnection, tables: string[]): Promise<string | undefined> {
  for (const table of tables) {
    const exists = await queryRows<{ n: bigint }>(db, 'SELECT count(*) AS n FROM duckdb_tables() WHERE temporary AND table_name = $table', { table });
    if (Number(exists[0]?.n ?? 0) === 0) continue;
    const [row] = await queryRows<{ n: bigint }>(db, `SELECT count(*) AS n FROM ${quoteIdentifier(table)}`);
    if (Number(row?.n ?? 0) > 0) return `${row!.n} line(s) did not read`;
  }
  return undefined;
}

/** Why the warehouse should not read this day itself, before anything is read; undefined when it may. */
function sourceScanRefused(ctx: StageContext, options: SourceScanOptions): string | undefined {
  if (options.minFileBytes === undefined) return 'direct loads are off';
  if (!options.readable) return 'the warehouse cannot read this bucket';
  const { files } = ctx.unit;
  const average = files.reduce((n, f) => n + f.size, 0) / Math.max(files.length, 1);
  // Small objects: the warehouse would open each one again, which costs more than staging the few rows.
  return average < options.minFileBytes ? `objects average ${Math.round(average)} bytes` : undefined;
}

/** The scans as one source scan the warehouse runs itself, checks that decline it included. */
async function sourceScan(ctx: StageContext, scans: UnitScan[], options: SourceScanOptions, signal: AbortSignal): Promise<SourceScan> {
  const parquet = ctx.table.format === 'parquet';
  const rejectTables = parquet ? [] : scans.map((scan) => scan.rejectTables.rejects);
  return {
    selects: scans.map((scan) => ({ sql: goodRowsSql(scan.select, { failOnBad: true }), params: scan.params, files: scan.urls })),
    bucket: ctx.bucket,
    ...(parquet ? { expectedRows: await declaredRows(ctx.db, scans.flatMap((scan) => scan.urls)) } : {}),
    rejectedMarker: ROW_REJECTED_MARKER,
    ...(rejectTables.length > 0 ? { verify: (db: DuckDBConnection) => linesSetAside(db, rejectTables) } : {}),
    grantAccess: options.grantAccess,
    signal,
  };
}

/**
 * A day's load after its description: one scan, then one commit in one of two forms. The
 * warehouse reads the scan itself inside its transaction when it can (the sink said so before
 * planning) and every row passes; a declined commit (a bad row to record, a file to name) has
 * changed nothing, and the day stages: the same scan writes good rows and rejects to local
 * Parquet files, which the commit inserts. Either way rows, rejects and ledger commit together.
 */
export async function loadUnit(
  ctx: StageContext,
  schema: UnitSchema,
  { sink, commit, source, signal, onCommit }: {
    sink: Pick<WarehouseSink, 'replaceUnit'>;
    commit: CommitBase;
    source: SourceScanOptions;
    signal: AbortSignal;
    onCommit: () => void;
  },
): Promise<LoadedUnit> {
  const columns = scanColumns(ctx, schema);
  const committed = async (rows: UnitCommit['rows'], rowCount: number, rejectedRows: number): Promise<CommitResult> => {
    if (signal.aborted) throw cancelledBeforeCommit();
    onCommit();
    return sink.replaceUnit({ ...commit, rows, columns, rowCount, rejectedRows });
  };
  let staged = sourceScanRefused(ctx, source);
  if (staged === undefined) {
    let scan: SourceScan | undefined;
    try {
      const scans = planScans(ctx, schema);
      if (scans.length > 0) scan = await sourceScan(ctx, scans, source, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      // A footer that does not read: the staged path probes the files and names the one at fault.
      staged = 'a footer did not read';
    }
    if (scan) {
      try {
        const result = await committed({ kind: 'source-scan', scan }, scan.expectedRows ?? 0, 0);
        if (result.status === 'committed') return { rows: result.rows, rejectedRows: 0, path: 'direct', ...(result.replacedScheme ? { replacedScheme: result.replacedScheme } : {}) };
        staged = `${result.reason}: ${result.detail}`;
      } catch (error) {
        // A refused commit (scheme change, drift) or a cancellation is the day's outcome either way.
        if (error instanceof ApplicationFailure || error instanceof CancelledFailure || signal.aborted) throw error;
        // A read that failed inside the commit (rolled back): the staged path reads again, retries
        // what is transient and names a corrupt file by its key.
        staged = `the read failed (${error instanceof Error ? error.name : 'error'})`;
      }
    }
  }
  const files = await stagedCommit(ctx, schema, commit);
  const result = await committed(files.rows, files.rowCount, files.rejectedRows);
  // Staged rows need no read of the source: a commit of them is never declined.
  if (result.status !== 'committed') throw new Error(`the warehouse declined staged rows: ${result.detail}`);
  return { rows: files.rowCount, rejectedRows: files.rejectedRows, path: 'staged', staged, ...(result.replacedScheme ? { replacedScheme: result.replacedScheme } : {}) };
}

/**
 * A day staged (good rows and rejects in local Parquet under its staging folder) into the commit
 * that replaces it, for a caller that commits it with others (a batch of small days, one
 * transaction): the files must outlive the commit.
 */
export async function stagedCommit(ctx: StageContext, schema: UnitSchema, commit: CommitBase): Promise<UnitCommit> {
  const files = await stageUnit(ctx, schema);
  return {
    ...commit, rows: { kind: 'staged', dataFiles: files.dataFiles, rejectFiles: files.rejectFiles },
    columns: scanColumns(ctx, schema), rowCount: files.rows, rejectedRows: files.rejectedRows,
  };
}
