import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Settings } from '../../src/config/settings';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, renderFile } from '../support/objects';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-services';
import { readLake, sharedSettings } from '../support/shared-store';
import { spawnWorkerProcess, type WorkerProcess } from '../support/spawn-worker';
import { activityAttempts, until } from '../support/pending-activity';
import { writeReportRows, type ReportRow } from '../support/reliability-report';
import { discover } from '../import/fixtures';
import type { ImportReport } from '../../src/workflow-safe/import/import-input';
import { dayWorkflowId } from '../../src/workflow-safe/workflow-ids';

/**
 * The shared store under faults: two worker processes on one task queue, the catalog and the
 * DuckLake's metadata in a private Postgres (never the shared one, which other tests use), the
 * lake's Parquet files in MinIO. A trigger on DuckLake's `ducklake_data_file` makes every lake
 * commit wait, inside its Postgres transaction, while the test holds an advisory lock: the fault
 * lands in the middle of a commit (its data files written, its metadata half inserted), every time.
 */
let postgres: PrivatePostgres;
let env: TestEnv;
let settings: Settings;
let workers: WorkerProcess[] = [];
const rows: ReportRow[] = [];
const DAYS = ['2025-07-01', '2025-07-02', '2025-07-03', '2025-07-04'];
const FILES = 5;
const ROWS_PER_FILE = 10;
const HOLD_KEY = 4242;

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  process.env.S3BRIDGE_PRIVATE_POSTGRES_PASSWORD = postgres.password;
  env = await createTestEnv('shared-store-faults');
  settings = await sharedSettings(env, { host: postgres.host, port: postgres.port, user: postgres.user, passwordEnv: 'S3BRIDGE_PRIVATE_POSTGRES_PASSWORD' });
  const part = await renderFile(`SELECT r AS n FROM range(${ROWS_PER_FILE}) t(r)`, 'parquet');
  await Promise.all(['restart', 'killed'].flatMap((table) => DAYS.flatMap((day) => Array.from({ length: FILES }, (_, i) =>
    putObject(env.s3, env.bucket, `${table}/date=${day}/part-${i}.parquet`, part)))));
  // The worker processes inherit this process's environment: the private Postgres's password included.
  workers = await Promise.all([0, 1].map(() => spawnWorkerProcess(settings, inject('workflowBundlePath'))));
  await discover(env);
  // Discovery attached the lake, so DuckLake's metadata tables exist: hold each commit's data-file
  // insert (a statement of DuckLake's commit transaction) while the test holds the lock.
  await postgres.psql(`
    CREATE FUNCTION public.hold_lake_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_advisory_lock_shared(${HOLD_KEY}); PERFORM pg_advisory_unlock_shared(${HOLD_KEY}); RETURN NULL; END $$;
    CREATE TRIGGER hold_lake_commit BEFORE INSERT ON ducklake.ducklake_data_file FOR EACH STATEMENT EXECUTE FUNCTION public.hold_lake_commit();`,
  settings.postgres!.database);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await env?.close();
  await postgres?.close();
  writeReportRows(__filename, rows);
});

/** Waits until a lake commit waits on the held lock (in the middle of its Postgres transaction). */
async function commitHeld(): Promise<void> {
  await until(async () => Number(await postgres.psql(
    `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = ${HOLD_KEY}`, settings.postgres!.database)) > 0);
}

/** Rows and loads per day in the lake, as a plain DuckDB reads them. */
async function lakeDays(table: string) {
  return readLake<{ day: string; n: number; loads: number }>(settings,
    `SELECT _day::VARCHAR AS day, count(*) AS n, count(DISTINCT _load_id) AS loads FROM lineage."${env.source().name}__${table}" GROUP BY 1 ORDER BY 1`);
}

async function ledger(table: string) {
  return readLake<{ day: string; rows: number; loaded_by: string }>(settings,
    'SELECT day::VARCHAR AS day, row_count AS rows, loaded_by FROM s3bridge.load_ledger WHERE connection = $c AND table_name = $t ORDER BY day',
    { c: env.source().name, t: table });
}

/** Parquet objects under the lake's data path that the lake's metadata does not list (left by an aborted commit). */
async function unlistedLakeFiles(): Promise<number> {
  let objects = 0;
  let token: string | undefined;
  do {
    const page = await env.s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: 'lake/', ContinuationToken: token }));
    objects += (page.Contents ?? []).filter((o) => o.Key?.endsWith('.parquet')).length;
    token = page.NextContinuationToken;
  } while (token);
  const listed = Number(await postgres.psql(
    'SELECT (SELECT count(*) FROM ducklake.ducklake_data_file) + (SELECT count(*) FROM ducklake.ducklake_delete_file)', settings.postgres!.database));
  return objects - listed;
}

/** What the lake holds of a table after an import: rows and loads per day, ledger entries, files no snapshot lists. */
async function lakeOutcome(table: string) {
  const found = await lakeDays(table);
  const entries = await ledger(table);
  return {
    found, entries,
    rows: found.reduce((n, d) => n + d.n, 0),
    summary: `loads per day ${found.map((d) => d.loads).join('/')}; ledger entries ${entries.length}; Parquet files the lake does not list ${await unlistedLakeFiles()}`,
  };
}

/** Every day in the lake once with its rows, one ledger entry each, and the import reporting no failure. */
function expectExactlyOnce(report: ImportReport, outcome: Awaited<ReturnType<typeof lakeOutcome>>): void {
  expect(report.days.map((d) => [d.day, d.status === 'skipped' ? d.reason : d.status, d.rows])).toEqual(
    DAYS.map((day): unknown[] => [day, expect.stringMatching(/^(loaded|unchanged)$/), FILES * ROWS_PER_FILE]));
  expect(report.totals.failed).toBe(0);
  expect(outcome.found).toEqual(DAYS.map((day) => ({ day, n: FILES * ROWS_PER_FILE, loads: 1 })));
  expect(outcome.entries.map((e) => [e.day, e.rows])).toEqual(DAYS.map((day) => [day, FILES * ROWS_PER_FILE]));
}

/** Failed attempts of every activity of an import (its own and its days'), besides those of the day `except`. */
async function otherFailedAttempts(table: string, importId: string, except: string): Promise<number> {
  const handles = [env.temporal.workflow.getHandle(importId), ...DAYS.filter((d) => d !== except).map((day) => dayHandle(table, day))];
  const attempts = await Promise.all(handles.map((h) => activityAttempts(h)));
  return attempts.flat().reduce((n, a) => n + a - 1, 0);
}

const dayHandle = (table: string, day: string) => env.temporal.workflow.getHandle(dayWorkflowId(env.source().name, table, day, env.workflowIdPrefix));

describe('the shared store (DuckLake on MinIO, metadata and catalog in Postgres, two workers) under faults', () => {
  it('Postgres stopped in the middle of a lake commit and started again: every day in the lake exactly once', async () => {
    const started = Date.now();
    const release = await postgres.holdLock(HOLD_KEY, settings.postgres!.database);
    const handle = await env.s3bridge.startImport({ connection: env.source(), table: 'restart', days: 'all', concurrency: 1 });
    await commitHeld();
    await postgres.stop();
    const stoppedAt = Date.now();
    await release(); // the lock went with the server; this ends the psql session
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await postgres.start();
    const downFor = Date.now() - stoppedAt;
    const report = await handle.result();
    const attempts = await activityAttempts(dayHandle('restart', DAYS[0]!), 'loadDayPartition');
    const others = await otherFailedAttempts('restart', handle.workflowId, DAYS[0]!);
    const outcome = await lakeOutcome('restart');
    rows.push({
      fault: 'Postgres (catalog and lake metadata) stopped (fast shutdown) in the middle of a lake commit, started again 3 s later',
      where: `importTable on the shared store (2 worker processes), ${DAYS.length} days of ${FILES} files one at a time, during day ${DAYS[0]}'s DuckLake commit (held at its data-file insert)`,
      outcome: `${report.totals.loaded} loaded, ${report.totals.failed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s; Postgres down ${(downFor / 1000).toFixed(1)} s; `
        + `the held day loaded on attempt ${attempts.join(',')}; failed attempts of the import's other activities ${others}; ${outcome.summary}`,
      rowsExpected: DAYS.length * FILES * ROWS_PER_FILE, rowsFound: outcome.rows,
    });
    expectExactlyOnce(report, outcome);
    // The outage was felt: the held day's attempt failed, or DuckLake's failed commit was run again
    // inside it (src/lake/retry-conflicts.ts takes "Failed to commit DuckLake transaction" for a lost
    // race) while other activities' attempts failed; which one depends on when Postgres came back.
    expect(attempts.at(-1)! - 1 + others).toBeGreaterThanOrEqual(1);
    // A worker whose cached Postgres connections all died fails one call, then connects afresh (src/lake/shared-duckdb.ts).
    expect(others).toBeLessThanOrEqual(workers.length);
  });

  it('one of two workers SIGKILLed in the middle of a lake commit: the other finishes, every day in the lake exactly once', async () => {
    const started = Date.now();
    const release = await postgres.holdLock(HOLD_KEY, settings.postgres!.database);
    const handle = await env.s3bridge.startImport({ connection: env.source(), table: 'killed', days: 'all', concurrency: 1 });
    await commitHeld();
    const held = dayHandle('killed', DAYS[0]!);
    const pending = (await held.describe()).raw.pendingActivities?.find((a) => a.activityType?.name === 'loadDayPartition');
    const victim = workers.find((w) => w.identity === pending?.lastWorkerIdentity);
    expect(victim).toBeDefined();
    await victim!.kill();
    const survivor = workers.find((w) => w !== victim)!;
    // The killed worker's Postgres session waits in its commit; let it go (it finds its client gone).
    await release();
    const report = await handle.result();
    const attempts = await activityAttempts(held, 'loadDayPartition');
    const outcome = await lakeOutcome('killed');
    const bySurvivor = outcome.entries.filter((e) => e.loaded_by === survivor.identity).length;
    const heldDay = report.days[0]!;
    rows.push({
      fault: 'one of two worker processes SIGKILLed in the middle of a lake commit',
      where: `importTable on the shared store, ${DAYS.length} days of ${FILES} files one at a time, during day ${DAYS[0]}'s DuckLake commit (held at its data-file insert)`,
      outcome: `the other worker finished in ${((Date.now() - started) / 1000).toFixed(1)} s: ${report.totals.loaded} loaded, ${report.totals.failed} failed; `
        + `the killed day ${heldDay.status}${heldDay.reason === 'unchanged' ? ' (unchanged: committed before the kill)' : ''} on attempt ${attempts.join(',')}; `
        + `${outcome.summary}; the ledger names the survivor for ${bySurvivor} of ${outcome.entries.length} days`,
      rowsExpected: DAYS.length * FILES * ROWS_PER_FILE, rowsFound: outcome.rows,
    });
    expectExactlyOnce(report, outcome);
    expect(attempts).toEqual([2]);
    // The killed worker's commit was rolled back in Postgres: no day carries its name.
    expect(bySurvivor).toBe(DAYS.length);
  });
});
