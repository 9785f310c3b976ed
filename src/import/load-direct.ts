import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DirectLoadDeclined, type DirectRows, type ReplaceResult } from '../warehouse/warehouse-sink';
import { queryRows } from '../duckdb/query-rows';
import { quoteIdentifier } from '../duckdb/sql';
import { declaredRows, goodRowsSql, planScans, ROW_REJECTED_MARKER, type StageContext, type StagedFiles, type UnitSchema } from './stage-unit';

export interface DirectLoad {
  /** What was loaded (no files: the rows went straight into the warehouse). */
  loaded: StagedFiles;
  replaced: ReplaceResult;
}

/** Lines the reader set aside (a malformed CSV line, a value that does not convert, an NDJSON line that does not read): any means the day stages. */
async function linesSetAside(db: DuckDBConnection, tables: string[]): Promise<string | undefined> {
  for (const table of tables) {
    const exists = await queryRows<{ n: bigint }>(db, 'SELECT count(*) AS n FROM duckdb_tables() WHERE temporary AND table_name = $table', { table });
    if (Number(exists[0]?.n ?? 0) === 0) continue;
    const [row] = await queryRows<{ n: bigint }>(db, `SELECT count(*) AS n FROM ${quoteIdentifier(table)}`);
    if (Number(row?.n ?? 0) > 0) return `${row!.n} line(s) did not read`;
  }
  return undefined;
}

/**
 * The one-pass load of a day: the warehouse reads the day's objects itself, mapping and checks
 * in the same INSERT, inside the commit's transaction (rows, rejects and ledger stay atomic).
 * It applies when every row passes the checks (the first bad row fails the INSERT; Parquet's
 * count must also equal the footers') and the warehouse may read the bucket. Otherwise (bad
 * rows to record, a file to name, small objects, a store that cannot read sources) it returns
 * why not, having changed nothing, and the caller stages the day.
 */
export async function loadDirect(
  ctx: StageContext,
  schema: UnitSchema,
  options: {
    /** Days whose objects average less stage (see Settings.directLoadMinFileBytes); undefined: every day stages. */
    minFileBytes: number | undefined;
    commit: (rows: StagedFiles & { direct: DirectRows }) => Promise<ReplaceResult>;
    grantAccess: (db: DuckDBConnection) => Promise<() => Promise<void>>;
    signal: AbortSignal;
  },
): Promise<DirectLoad | { declined: string }> {
  if (options.minFileBytes === undefined) return { declined: 'direct loads are off' };
  const { files } = ctx.unit;
  const average = files.reduce((n, f) => n + f.size, 0) / Math.max(files.length, 1);
  // Small objects: the warehouse would open each one again, which costs more than staging the few rows.
  if (average < options.minFileBytes) return { declined: `objects average ${Math.round(average)} bytes` };
  const parquet = ctx.table.format === 'parquet';
  let scans;
  let expectedRows;
  try {
    scans = planScans(ctx, schema);
    if (scans.length === 0) return { declined: 'no files' };
    if (parquet) expectedRows = await declaredRows(ctx.db, scans.flatMap((scan) => scan.urls));
  } catch (error) {
    if (options.signal.aborted) throw error;
    // A footer that does not read: the staged path probes the files and names the one at fault.
    return { declined: 'a footer did not read' };
  }
  const rejectTables = ctx.table.format === 'parquet' ? [] : scans.map((scan) => scan.rejectTables.rejects);
  const direct: DirectRows = {
    selects: scans.map((scan) => ({ sql: goodRowsSql(scan.select, { failOnBad: true }), params: scan.params, files: scan.urls })),
    bucket: ctx.bucket,
    expectedRows,
    rejectedMarker: ROW_REJECTED_MARKER,
    ...(rejectTables.length > 0 ? { verify: (db: DuckDBConnection) => linesSetAside(db, rejectTables) } : {}),
    grantAccess: options.grantAccess,
    signal: options.signal,
  };
  // An abort from here on interrupts the commit's read; one that came before would never fire.
  if (options.signal.aborted) throw new CancelledFailure('import cancelled before the day was committed; the day is untouched');
  try {
    const replaced = await options.commit({ dataFiles: [], rejectFiles: [], rows: expectedRows ?? 0, rejectedRows: 0, direct });
    return { loaded: { dataFiles: [], rejectFiles: [], rows: replaced.rows ?? expectedRows ?? 0, rejectedRows: 0 }, replaced };
  } catch (error) {
    if (error instanceof DirectLoadDeclined) return { declined: error.message };
    // A refused commit (scheme change, drift) or a cancellation is the day's outcome either way.
    if (error instanceof ApplicationFailure || error instanceof CancelledFailure || options.signal.aborted) throw error;
    // A read that failed inside the commit (rolled back): the staged path reads again, retries
    // what is transient and names a corrupt file by its key.
    return { declined: `the read failed (${error instanceof Error ? error.name : 'error'})` };
  }
}
