import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DirectLoadDeclined, type DirectRows, type ReplaceResult } from '../warehouse/warehouse-sink';
import { declaredRows, goodRowsSql, planScans, type StageContext, type StagedFiles, type UnitSchema } from './stage-unit';

export interface DirectLoad {
  staged: StagedFiles;
  replaced: ReplaceResult;
}

/**
 * The one-pass load of a Parquet day: the warehouse reads the day's objects itself, mapping and
 * checks in the same INSERT, inside the commit's transaction (rows, rejects and ledger stay
 * atomic). It applies when every row passes the checks (the rows inserted equal the rows the
 * footers declare) and the warehouse may read the bucket. Otherwise (bad rows to record, a
 * file to name, a store that cannot read sources) it returns why not, having changed nothing,
 * and the caller stages the day.
 */
export async function loadDirect(
  ctx: StageContext,
  schema: UnitSchema,
  options: {
    /** Days whose objects average less stage (see Settings.directLoadMinFileBytes); undefined: every day stages. */
    minFileBytes: number | undefined;
    commit(rows: StagedFiles & { direct: DirectRows }): Promise<ReplaceResult>;
    grantAccess(db: DuckDBConnection): Promise<() => Promise<void>>;
    signal: AbortSignal;
  },
): Promise<DirectLoad | { declined: string }> {
  if (ctx.table.format !== 'parquet') return { declined: 'not Parquet' };
  if (options.minFileBytes === undefined) return { declined: 'direct loads are off' };
  const { files } = ctx.unit;
  const average = files.reduce((n, f) => n + f.size, 0) / Math.max(files.length, 1);
  // Small objects: the warehouse would open each one again, which costs more than staging the few rows.
  if (average < options.minFileBytes) return { declined: `objects average ${Math.round(average)} bytes` };
  let scans;
  let expectedRows;
  try {
    scans = await planScans(ctx, schema);
    if (scans.length === 0) return { declined: 'no files' };
    expectedRows = await declaredRows(ctx.db, scans.flatMap((scan) => scan.urls));
  } catch (error) {
    if (options.signal.aborted) throw error;
    // A footer that does not read: the staged path probes the files and names the one at fault.
    return { declined: 'a footer did not read' };
  }
  const staged: StagedFiles = { dataFiles: [], rejectFiles: [], rows: expectedRows, rejectedRows: 0 };
  const direct: DirectRows = {
    selects: scans.map((scan) => ({ sql: goodRowsSql(scan.select), params: scan.params, files: scan.urls })),
    bucket: ctx.bucket,
    expectedRows,
    grantAccess: options.grantAccess,
    signal: options.signal,
  };
  try {
    return { staged, replaced: await options.commit({ ...staged, direct }) };
  } catch (error) {
    if (error instanceof DirectLoadDeclined) return { declined: error.message };
    // A refused commit (scheme change, drift) or a cancellation is the day's outcome either way.
    if (error instanceof ApplicationFailure || error instanceof CancelledFailure || options.signal.aborted) throw error;
    // A read that failed inside the commit (rolled back): the staged path reads again, retries
    // what is transient and names a corrupt file by its key.
    return { declined: `the read failed (${error instanceof Error ? error.name : 'error'})` };
  }
}
