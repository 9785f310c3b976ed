import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ColumnSchema, DiscoveredTable } from '../../src/workflow-safe/catalog/discovered-table';
import type { DayLoadInput, DayReport } from '../../src/workflow-safe/import/import-input';
import type { ImportMapping } from '../../src/workflow-safe/import/mapping';
import { targetLabel, targetTable } from '../../src/warehouse/target-table';
import { resolveCredentials } from '../../src/s3/resolve-credentials';
import { createS3Client } from '../../src/s3/create-s3-client';
import { createS3Secret, dropS3Secret, s3ObjectUrl, withS3DuckDB } from '../../src/duckdb/s3-session';
import { refreshingCredentials } from '../../src/s3/refreshing-credentials';
import { describeScheme, schemeDiffers, unitScheme } from '../../src/warehouse/unit-scheme';
import { listTableFiles } from '../../src/import/list-table-files';
import { configFingerprint, filesFingerprint } from '../../src/import/fingerprint';
import { dataColumns } from '../../src/import/table-columns';
import { describeUnit } from '../../src/import/describe-unit';
import type { UnitFiles } from '../../src/import/list-table-files';
import type { StageContext } from '../../src/import/stage-context';
import { cancelledBeforeCommit, interruptedByCancel, loadUnit } from '../../src/import/load-unit';
import { decideUnit } from '../../src/import/unit-decision';
import { describeDrift, driftExcerpt, evolvedColumns, hasDrift, type SchemaDrift } from '../../src/import/schema-drift';
import type { CatalogStore } from '../../src/catalog/catalog-store';
import type { ActivityDeps } from '../deps';
import { recordTableVolume } from '../../src/observability/metrics';
import { SCHEMA_DRIFT, SCHEMA_DRIFT_PENDING } from '../../src/workflow-safe/failure-types';

export type LoadDayPartitionInput = DayLoadInput;

/** Progress carried in heartbeats (visible in the Temporal UI as the activity's heartbeat details). */
interface LoadProgress {
  files: number;
  filesDone: number;
  rows: number;
  /** The commit is under way (for a direct load, the read of the files too). */
  committing?: boolean;
}

/**
 * The types text files are read with: the accepted schema's, except an events timestamp, read
 * as text so a value without an offset is placed in the mapping's zone, not silently in UTC,
 * and a file column named like a partition key, read as text so a value that is not the
 * folder's (`10/08/2008` in `date=2025-01-01/`) is named as such, not as a failed conversion.
 */
export function readTypes(columns: ColumnSchema[], mapping: ImportMapping, partitionKeys: { name: string }[]): Map<string, string> {
  const partitionNames = new Set(partitionKeys.map((k) => k.name.toLowerCase()));
  const types = new Map(columns.map((c) => [c.name, partitionNames.has(c.name.toLowerCase()) ? 'VARCHAR' : c.type]));
  if (mapping.mode === 'events') types.set(mapping.events.timestamp.column, 'VARCHAR');
  return types;
}

/** A change approved in the catalog (`tables approve-drift`) is followed: it is what discovery now lists. */
function withoutApproved(drift: SchemaDrift, table: DiscoveredTable): SchemaDrift {
  if (table.drift?.status !== 'approved') return drift;
  const listed = new Map(table.columns.map((c) => [c.name, c.type]));
  return {
    ...drift,
    added: drift.added.filter((c) => !listed.has(c.name)),
    changed: drift.changed.filter((c) => listed.get(c.column) !== c.to),
  };
}

/** Holds the change in the catalog too, so `tables approve-drift` finds it, records the approval and signals the waiting days. */
async function holdInCatalog(catalog: CatalogStore, table: DiscoveredTable, columns: ColumnSchema[]): Promise<void> {
  const partitions = table.columns.filter((c) => table.partitionKeys.some((k) => k.name === c.name));
  const { drift: _drift, ...before } = table;
  await catalog.recordTableDrift(before, { ...before, columns: [...columns, ...partitions] }, new Date().toISOString());
}

function driftFailure(type: string, message: string, details: unknown) {
  return ApplicationFailure.create({ type, nonRetryable: true, message, details: [details] });
}

/**
 * The columns a day loads with: the accepted ones, or evolved by the drift policy "evolve" (or an
 * approval); "fail" fails the day with the diff, "wait" holds the change in the catalog and fails
 * the day as pending (its workflow waits for the approval).
 */
export async function followDrift(catalog: CatalogStore, { table, unit, described, reference, driftPolicy, connection }: {
  table: DiscoveredTable; unit: UnitFiles; described: { drift: SchemaDrift }; reference: ColumnSchema[];
  driftPolicy: DayLoadInput['driftPolicy']; connection: string;
}): Promise<{ accepted: ColumnSchema[]; driftNote?: string }> {
  const catalogDrift = table.drift?.status === 'pending' ? table.drift : undefined;
  const unapproved = withoutApproved(described.drift, table);
  if (hasDrift(unapproved) || catalogDrift) {
    const what = hasDrift(unapproved) ? describeDrift(unapproved) : 'discovery holds a schema change of this table for review';
    const where = `table "${table.name}"${unit.day ? ` day ${unit.day}` : ''}`;
    if (driftPolicy === 'fail') {
      throw driftFailure(SCHEMA_DRIFT, `${where}: schema drift: ${what}; re-run with driftPolicy "evolve" to follow it, or "wait" to hold it for approval`, driftExcerpt(described.drift));
    }
    if (driftPolicy === 'wait') {
      if (hasDrift(unapproved)) await holdInCatalog(catalog, table, evolvedColumns(reference, unapproved));
      throw driftFailure(SCHEMA_DRIFT_PENDING, `${where}: schema drift waits for approval: ${what}; approve with \`s3bridge tables approve-drift ${connection} ${table.name}\``, driftExcerpt(described.drift));
    }
  }
  if (!hasDrift(described.drift)) return { accepted: reference };
  return { accepted: evolvedColumns(reference, described.drift), driftNote: describeDrift(described.drift) };
}

export function createLoadDayPartition({ settings, catalog, sink }: ActivityDeps) {
  /** Loads one day partition from S3 into the warehouse, replacing the day atomically; skips an unchanged day. */
  return async function loadDayPartition(input: LoadDayPartitionInput): Promise<DayReport> {
    const started = Date.now();
    const context = Context.current();
    // Before anything slow (credentials, the listing, a DuckDB memory slot): the heartbeat timeout counts from the start.
    context.heartbeat({ files: 0, filesDone: 0, rows: 0 });
    const { connection, mapping } = input;
    const table = await catalog.getDiscoveredTable(connection.name, input.table);
    const target = targetTable(connection.name, table.name, mapping);
    const configHash = configFingerprint({ mapping, target: targetLabel(target) });
    // Assume-role sessions expire: the listing and DuckDB's secret get new credentials before they do.
    const session = refreshingCredentials(() => resolveCredentials(connection, settings, catalog));
    const credentials = await session.get();
    const s3 = createS3Client(connection, () => session.get(), settings);
    const listed = await listTableFiles(s3, connection.bucket, table, { onlyUnit: input.unit, connectionFormat: connection.direction === 'source' ? connection.format : 'auto' }).finally(() => s3.destroy());
    const unit = listed.get(input.unit);
    const base = { unit: input.unit, day: unit?.day ?? (input.unit === 'all' ? null : input.unit), rejectedRows: 0 };
    if (!unit) return { ...base, status: 'skipped', rows: 0, files: 0, bytes: 0, durationMs: Date.now() - started, reason: 'no files found for this day any more' };
    const files = unit.files.map(({ key, etag, size }) => ({ key, etag, size }));
    const bytes = files.reduce((n, f) => n + f.size, 0);
    const fingerprint = filesFingerprint(files);
    const scheme = unitScheme(table);
    const previous = (await sink.ledger(connection.name, table.name, target)).find((e) => e.unit === input.unit && !schemeDiffers(e, scheme));
    // The planner's rule, applied again to the day as listed now (also the retry path: an attempt
    // that committed but died before reporting finds its own ledger entry).
    const decision = decideUnit(previous, { fingerprint, configHash, reload: input.reload });
    if (decision.action === 'skip' && previous) {
      return { ...base, status: 'skipped', rows: previous.rows, rejectedRows: previous.rejectedRows, files: files.length, bytes,
        durationMs: Date.now() - started, reason: decision.reason, loadId: previous.loadId };
    }
    // The sink's capability, asked before the scan is planned: can its commit read this bucket itself?
    const readable = await sink.readsSource(connection.bucket);
    const reference = (await sink.acceptedColumns(connection.name, table.name)) ?? dataColumns(table);
    const loadId = randomUUID();
    // Staging belongs to this attempt alone: its load ID (a UUID) names the folder, so no other
    // table, day or attempt can read, delete or overwrite it, and no name in it is a pattern.
    const stagingDir = path.join(settings.dataDir, 'staging', loadId);
    mkdirSync(stagingDir, { recursive: true });
    const progress: LoadProgress = { files: files.length, filesDone: 0, rows: 0 };
    // A timer heartbeat too: one big file can take longer than the heartbeat timeout.
    const beat = setInterval(() => context.heartbeat(progress), 5_000);
    context.heartbeat(progress);
    try {
      return await withS3DuckDB(settings, connection, credentials, (db, withAnother) => interruptedByCancel(db, context.cancellationSignal,
        'import cancelled before the day was committed; the day is untouched', async () => {
          const urlPrefix = s3ObjectUrl(connection.bucket, '');
          const described = await describeUnit({ db, withAnother, urlPrefix, table, unit }, reference);
          const { accepted, driftNote } = await followDrift(catalog, { table, unit, described, reference, driftPolicy: input.driftPolicy, connection: connection.name });
          const stageContext: StageContext = {
            db, bucket: connection.bucket, urlPrefix, connection: connection.name, table, unit, mapping, errorPolicy: input.errorPolicy, loadId, stagingDir,
            async beforeScan() {
              const fresh = await session.refreshed();
              if (fresh) await createS3Secret(db, connection, fresh);
            },
            onFile(filesDone, rows) {
              progress.filesDone = filesDone;
              progress.rows = rows;
              context.heartbeat(progress);
              if (context.cancellationSignal.aborted) throw cancelledBeforeCommit();
            },
          };
          const schema = { columns: described.columns, dataColumns: accepted, readTypes: readTypes([...table.columns, ...accepted], mapping, table.partitionKeys) };
          // The exactly-once point is the commit: from there the day is replaced whole, or (on any error) not at all.
          const loaded = await loadUnit(stageContext, schema, {
            sink,
            commit: {
              connection: connection.name, table: table.name, unit: input.unit, day: unit.day, loadId, target, urlPrefix,
              files, fingerprint, configHash, acceptedColumns: accepted, scheme, allowSchemeChange: input.reload,
            },
            source: {
              minFileBytes: settings.directLoadMinFileBytes,
              readable,
              async grantAccess(warehouse) {
                await createS3Secret(warehouse, connection, await session.get());
                return () => dropS3Secret(warehouse);
              },
            },
            signal: context.cancellationSignal,
            onCommit() {
              progress.committing = true;
              context.heartbeat(progress);
            },
          });
          progress.committing = false;
          if (loaded.staged) context.log.debug('day staged', { unit: input.unit, why: loaded.staged });
          const loadPath = loaded.path;
          const staged = loaded;
          recordTableVolume(context.metricMeter, { connection: connection.name, table: table.name, rowsLoaded: staged.rows, rowsRejected: staged.rejectedRows, bytesRead: bytes });
          context.log.info('day loaded', {
            connection: connection.name, table: table.name, unit: input.unit, rows: staged.rows, rejectedRows: staged.rejectedRows,
            files: files.length, bytes, loadId, durationMs: Date.now() - started, path: loadPath,
          });
          return {
            ...base, status: 'loaded', rows: staged.rows, rejectedRows: staged.rejectedRows, files: files.length, bytes,
            durationMs: Date.now() - started, loadId, path: loadPath,
            reason: [
              decision.reason,
              ...(loaded.replacedScheme ? [`replaced the table's earlier load (${describeScheme(loaded.replacedScheme)})`] : []),
            ].join('; '),
            ...(driftNote ? { drift: driftNote } : {}),
          };
        }), { localDirectories: [stagingDir] });
    } finally {
      clearInterval(beat);
      rmSync(stagingDir, { recursive: true, force: true });
    }
  };
}
