import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { DayBatchInput, DayBatchResult, DayReport } from '../../src/workflow-safe/import/import-input';
import type { UnitCommit } from '../../src/warehouse/warehouse-sink';
import { targetLabel, targetTable } from '../../src/warehouse/target-table';
import { resolveCredentials } from '../../src/s3/resolve-credentials';
import { createS3Client } from '../../src/s3/create-s3-client';
import { createS3Secret, s3ObjectUrl, withS3DuckDB } from '../../src/duckdb/s3-session';
import { refreshingCredentials } from '../../src/s3/refreshing-credentials';
import { describeScheme, schemeDiffers, unitScheme } from '../../src/warehouse/unit-scheme';
import { listTableFiles, type UnitFiles } from '../../src/import/list-table-files';
import { configFingerprint, filesFingerprint } from '../../src/import/fingerprint';
import { dataColumns } from '../../src/import/table-columns';
import { describeUnit, parquetColumns } from '../../src/import/describe-unit';
import { cancelledBeforeCommit, interruptedByCancel, stagedCommit } from '../../src/import/load-unit';
import { decideUnit } from '../../src/import/unit-decision';
import { recordTableVolume } from '../../src/observability/metrics';
import { SCHEMA_DRIFT_PENDING } from '../../src/workflow-safe/failure-types';
import type { ActivityDeps } from '../deps';
import { createRequireActiveConnection } from '../connections/require-active-connection';
import { followDrift, readTypes } from './load-day-partition';

/** A day's own failure (bad data, a corrupt file, drift, a refused commit): it fails alone, the batch goes on. */
const dayFailure = (error: unknown): error is ApplicationFailure => error instanceof ApplicationFailure && error.nonRetryable === true;

/** A day staged and waiting for the batch's commit, with what its report needs. */
interface StagedDay {
  unit: UnitFiles;
  commit: UnitCommit;
  bytes: number;
  reason: string;
  driftNote?: string;
  started: number;
}

export function createLoadDayBatch(deps: ActivityDeps) {
  const { settings, catalog, sink } = deps;
  const requireActiveConnection = createRequireActiveConnection(deps);
  /**
   * Loads a batch of small days with one Active check, one S3 DuckDB and one warehouse
   * transaction. Each day keeps its ledger entry, its report and its failure: a day that fails
   * (bad data, drift, a refused commit) is reported failed and the others commit without it. The
   * commit is the exactly-once point for every day in it; a retry finds committed days in the
   * ledger and skips them. Transient errors of some days fail the activity after the others
   * committed, so Temporal retries just those.
   */
  return async function loadDayBatch(input: DayBatchInput): Promise<DayBatchResult> {
    const context = Context.current();
    const progress = { days: input.units.length, daysDone: 0, rows: 0, committing: false };
    context.heartbeat(progress);
    const connection = await requireActiveConnection({ connection: input.connection });
    const { mapping } = input;
    const table = await catalog.getDiscoveredTable(connection.name, input.table);
    const target = targetTable(connection.name, table.name, mapping);
    const configHash = configFingerprint({ mapping, target: targetLabel(target) });
    const session = refreshingCredentials(() => resolveCredentials(connection, settings, catalog));
    const credentials = await session.get();
    const connectionFormat = connection.direction === 'source' ? connection.format : 'auto';
    const scheme = unitScheme(table);
    const ledger = new Map((await sink.ledger(connection.name, table.name, target)).filter((e) => !schemeDiffers(e, scheme)).map((e) => [e.unit, e]));
    // The schema the next day is compared with: what the days before it in the batch accepted, as
    // if each had committed before the next was read (as days loaded one by one see it).
    let reference = (await sink.acceptedColumns(connection.name, table.name)) ?? dataColumns(table);

    const reports = new Map<string, DayReport>();
    const held: string[] = [];
    const transient: { unit: string; error: unknown }[] = [];
    const staged: StagedDay[] = [];
    const failed = (unit: string, day: string | null, files: number, bytes: number, started: number, error: unknown) => {
      reports.set(unit, { unit, day, status: 'failed', rows: 0, rejectedRows: 0, files, bytes, durationMs: Date.now() - started, reason: error instanceof Error ? error.message : String(error) });
    };
    // The batch's staging folder: its own UUID, each day's files under its load ID.
    const stagingRoot = path.join(settings.dataDir, 'staging', randomUUID());
    mkdirSync(stagingRoot, { recursive: true });
    const s3 = createS3Client(connection, () => session.get(), settings);
    const beat = setInterval(() => context.heartbeat(progress), 5_000);
    try {
      await withS3DuckDB(settings, connection, credentials, (db, withAnother) => interruptedByCancel(db, context.cancellationSignal,
        'import cancelled before the batch was committed; its days are untouched', async () => {
          const urlPrefix = s3ObjectUrl(connection.bucket, '');
          // Each day listed again (its own folder, one after another), so a file that arrived since planning is in.
          const listed = new Map<string, UnitFiles | undefined>();
          for (const name of input.units) {
            if (context.cancellationSignal.aborted) throw cancelledBeforeCommit();
            try {
              listed.set(name, (await listTableFiles(s3, connection.bucket, table, { onlyUnit: name, connectionFormat })).get(name));
            } catch (error) {
              if (dayFailure(error)) failed(name, name, 0, 0, Date.now(), error);
              else transient.push({ unit: name, error });
            }
          }
          // Every day's Parquet footers in one query, one DESCRIBE per distinct schema; when that
          // fails, each day reads its own, so only the day with the bad file fails.
          const urls = [...listed.values()].flatMap((unit) => unit?.files.map((f) => urlPrefix + f.key) ?? []);
          const known = table.format === 'parquet' && urls.length > 0 ? await parquetColumns(db, urls, withAnother).catch(() => undefined) : undefined;
          for (const name of input.units) {
            const started = Date.now();
            if (context.cancellationSignal.aborted) throw cancelledBeforeCommit();
            if (!listed.has(name)) continue;
            const unit = listed.get(name);
            if (!unit) {
              reports.set(name, { unit: name, day: name, status: 'skipped', rows: 0, rejectedRows: 0, files: 0, bytes: 0, durationMs: 0, reason: 'no files found for this day any more' });
              continue;
            }
            const files = unit.files.map(({ key, etag, size }) => ({ key, etag, size }));
            const bytes = files.reduce((n, f) => n + f.size, 0);
            const fingerprint = filesFingerprint(files);
            const previous = ledger.get(name);
            // The planner's rule again: also the retry path (a day an earlier attempt committed is unchanged now).
            const decision = decideUnit(previous, { fingerprint, configHash, reload: input.reload });
            if (decision.action === 'skip' && previous) {
              reports.set(name, { unit: name, day: unit.day, status: 'skipped', rows: previous.rows, rejectedRows: previous.rejectedRows, files: files.length, bytes,
                durationMs: Date.now() - started, reason: decision.reason, loadId: previous.loadId });
              continue;
            }
            try {
              const loadId = randomUUID();
              const stagingDir = path.join(stagingRoot, loadId);
              mkdirSync(stagingDir);
              const described = await describeUnit({ db, withAnother, urlPrefix, table, unit, ...(known ? { known } : {}) }, reference);
              const { accepted, driftNote } = await followDrift(catalog, { table, unit, described, reference, driftPolicy: input.driftPolicy, connection: connection.name });
              const commit = await stagedCommit({
                db, bucket: connection.bucket, urlPrefix, connection: connection.name, table, unit, mapping, errorPolicy: input.errorPolicy, loadId, stagingDir,
                async beforeScan() {
                  const fresh = await session.refreshed();
                  if (fresh) await createS3Secret(db, connection, fresh);
                },
                onFile() {
                  context.heartbeat(progress);
                  if (context.cancellationSignal.aborted) throw cancelledBeforeCommit();
                },
              }, { columns: described.columns, dataColumns: accepted, readTypes: readTypes([...table.columns, ...accepted], mapping, table.partitionKeys) }, {
                connection: connection.name, table: table.name, unit: name, day: unit.day, loadId, target, urlPrefix,
                files, fingerprint, configHash, acceptedColumns: accepted, scheme, allowSchemeChange: input.reload,
              });
              staged.push({ unit, commit, bytes, reason: decision.reason, started, ...(driftNote ? { driftNote } : {}) });
              reference = accepted;
              progress.rows += commit.rowCount;
            } catch (error) {
              if (context.cancellationSignal.aborted || error instanceof CancelledFailure) throw error;
              if (error instanceof ApplicationFailure && error.type === SCHEMA_DRIFT_PENDING && input.driftPolicy === 'wait') held.push(name);
              else if (dayFailure(error)) failed(name, unit.day, files.length, bytes, started, error);
              else transient.push({ unit: name, error });
            } finally {
              progress.daysDone += 1;
              context.heartbeat(progress);
            }
          }
        }), { localDirectories: [stagingRoot] });
      if (context.cancellationSignal.aborted) throw cancelledBeforeCommit();
      // The exactly-once point of every staged day: one transaction; a day the warehouse refuses is left out alone.
      progress.committing = true;
      context.heartbeat(progress);
      const results = staged.length > 0 ? await sink.replaceUnits(staged.map((s) => s.commit)) : [];
      let rows = 0;
      let rejectedRows = 0;
      let bytes = 0;
      results.forEach((result, i) => {
        const day = staged[i]!;
        const name = day.commit.unit;
        if (result.status === 'failed') {
          failed(name, day.unit.day, day.commit.files.length, day.bytes, day.started, result.error);
          return;
        }
        rows += result.rows;
        rejectedRows += day.commit.rejectedRows;
        bytes += day.bytes;
        reports.set(name, {
          unit: name, day: day.unit.day, status: 'loaded', rows: result.rows, rejectedRows: day.commit.rejectedRows, files: day.commit.files.length, bytes: day.bytes,
          durationMs: Date.now() - day.started, loadId: day.commit.loadId, path: 'staged',
          reason: [day.reason, ...(result.replacedScheme ? [`replaced the table's earlier load (${describeScheme(result.replacedScheme)})`] : [])].join('; '),
          ...(day.driftNote ? { drift: day.driftNote } : {}),
        });
      });
      recordTableVolume(context.metricMeter, { connection: connection.name, table: table.name, rowsLoaded: rows, rowsRejected: rejectedRows, bytesRead: bytes });
      context.log.info('day batch loaded', {
        connection: connection.name, table: table.name, days: input.units.length, loaded: results.filter((r) => r.status === 'committed').length,
        failed: [...reports.values()].filter((r) => r.status === 'failed').length, held: held.length, rows,
      });
    } finally {
      clearInterval(beat);
      s3.destroy();
      rmSync(stagingRoot, { recursive: true, force: true });
    }
    if (transient.length > 0) {
      // The rest committed; a retry skips them as unchanged and loads these again.
      const [first] = transient;
      throw new Error(`${transient.length} day(s) of the batch hit a transient error and load again: ${transient.map((t) => t.unit).join(', ')} `
        + `(${first!.error instanceof Error ? first!.error.message : String(first!.error)})`);
    }
    return { reports: input.units.filter((u) => reports.has(u)).map((u) => reports.get(u)!), held };
  };
}
