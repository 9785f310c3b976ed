import { afterAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, renderFile } from '../support/objects';
import { lineageTable, warehouse } from '../import/fixtures';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker';
import type { CrashPoint } from '../support/worker-process';
import { activityAttempts, seeded } from '../support/pending-activity';
import { writeReportRows, type ReportRow } from '../support/reliability-report';
import { listDiscoveredTables } from '../../src/catalog/discovered-table-store';
import { dayWorkflowId } from '../../src/workflow-safe/workflow-ids';

/**
 * SIGKILL of the worker process at several points of discovery and of a day load (positions from
 * fixed seeds); a new worker finishes every run with exact counts. Each case has its own bucket,
 * task queue and warehouse, so the cases run at once (a killed activity is retried only after its
 * 30 s heartbeat timeout; sequential cases would wait for it one after another).
 */
// The soak: S3BRIDGE_FAULT_SEEDS=1,2,3,4,5 runs every case once per seed, at that seed's positions.
const SEEDS = (process.env.S3BRIDGE_FAULT_SEEDS ?? '13').split(',').map(Number);
const FILES = 40;
const ROWS_PER_FILE = 10;
const TABLES = 9;

/** Where a seed kills: staging file k of 40, a delay after the last file (the commit), table 1 or 2 of a batch of 3. */
function positions(seed: number) {
  const random = seeded(seed);
  return {
    killAtFile: 1 + Math.floor(random() * (FILES - 2)),
    killAfterStagedMs: Math.floor(random() * 40),
    killAtTable: 1 + Math.floor(random() * 2),
  };
}
// Cases finish in any order; the report lists them in the order they are declared (and start).
const rows = new Map<string, ReportRow>();
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  writeReportRows(__filename, [...rows.values()]);
});

/** A case's own env and worker process; the replacement worker runs in this process. */
async function setUp(name: string, crash?: CrashPoint, direct = false): Promise<{ env: TestEnv; worker: WorkerProcess }> {
  rows.set(name, { fault: `worker SIGKILL (${name})`, where: 'did not finish', outcome: 'test failed', rowsExpected: '-', rowsFound: '-' });
  const env = await createTestEnv(name);
  // Direct: every Parquet day is read by the warehouse inside its commit, however small its files.
  if (direct) env.settings.directLoadMinFileBytes = 0;
  const worker = await spawnWorker(env.settings, crash);
  cleanups.push(async () => { await worker.kill(); await env.close(); });
  return { env, worker };
}

async function dayLoadData(env: TestEnv): Promise<void> {
  const part = await renderFile(`SELECT r AS n FROM range(${ROWS_PER_FILE}) t(r)`, 'parquet');
  await putObject(env.s3, env.bucket, 'logs/date=2025-06-01/part-0.parquet', part);
  await Promise.all(Array.from({ length: FILES }, (_, i) =>
    putObject(env.s3, env.bucket, `logs/date=2025-06-02/part-${String(i).padStart(3, '0')}.parquet`, part)));
  await putObject(env.s3, env.bucket, 'logs/date=2025-06-03/part-0.parquet', part);
}

const expectedDays = [['2025-06-01', 10], ['2025-06-02', FILES * ROWS_PER_FILE], ['2025-06-03', 10]] as const;

/**
 * Imports three days (one at a time) on the crashing worker, kills it where `kill` says, lets a
 * fresh worker finish, and checks every day is in the warehouse exactly once with exact rows.
 */
async function dayLoadCase(name: string, where: string, killedDay: string, options: { seed: number; crash: CrashPoint; moment: string; direct?: boolean }) {
  const { env, worker } = await setUp(name, options.crash, options.direct);
  await dayLoadData(env);
  expect((await env.s3bridge.validateConnection({ connection: env.source() })).status).toBe('active');
  await env.s3bridge.discoverSchema({ connection: env.source() });
  const handle = await env.s3bridge.startImport({ connection: env.source(), table: 'logs', days: 'all', concurrency: 1 });
  await worker.exited;
  expect(worker.child.signalCode).toBe('SIGKILL');
  await env.startWorker();
  const report = await handle.result();
  const found = await warehouse<{ day: string; n: number; loads: number }>(env,
    `SELECT _day::VARCHAR AS day, count(*) AS n, count(DISTINCT _load_id) AS loads FROM ${lineageTable(env, 'logs')} GROUP BY 1 ORDER BY 1`);
  const total = found.reduce((n, d) => n + d.n, 0);
  const killed = env.temporal.workflow.getHandle(dayWorkflowId(env.source().name, 'logs', killedDay, env.workflowIdPrefix));
  const attempts = await activityAttempts(killed, 'loadDayPartition');
  const statuses = report.days.map((d) => `${d.day} ${d.status}${d.reason === 'unchanged' ? ' (unchanged: committed before the kill)' : ''}`);
  rows.set(name, {
    fault: `worker SIGKILL ${where}`, where: `importTable, day ${killedDay} (seed ${options.seed}; ${options.moment})`,
    outcome: `new worker finished: ${statuses.join(', ')}; killed day's activity finished on attempt ${attempts.join(',')}; loads per day ${found.map((d) => d.loads).join('/')}`,
    rowsExpected: expectedDays.reduce((n, [, r]) => n + r, 0), rowsFound: total,
  });
  expect(found).toEqual(expectedDays.map(([day, n]) => ({ day, n, loads: 1 })));
  expect(report.totals.failed).toBe(0);
  expect(attempts).toEqual([2]);
  return report;
}

async function discoveryData(env: TestEnv): Promise<void> {
  const part = await renderFile('SELECT r AS n FROM range(3) t(r)', 'parquet');
  await Promise.all(Array.from({ length: TABLES }, (_, t) => Promise.all([
    putObject(env.s3, env.bucket, `schema/t${t}/date=2025-01-01/part-0.parquet`, part),
    putObject(env.s3, env.bucket, `schema/t${t}/date=2025-01-02/part-0.parquet`, part),
  ])));
}

async function discoveryCase(name: string, where: string, options: { seed: number; crash: CrashPoint; moment: string }) {
  const { env, worker } = await setUp(name, options.crash);
  await discoveryData(env);
  const connection = env.source({ prefix: 'schema' });
  const handle = await env.s3bridge.startDiscoverSchema({ connection, batchSize: 3, concurrentBatches: 1, concurrentTables: 1 });
  await worker.exited;
  expect(worker.child.signalCode).toBe('SIGKILL');
  await env.startWorker();
  const report = await handle.result();
  const tables = await env.withWarehouse((db) => listDiscoveredTables(db, connection.name));
  rows.set(name, {
    fault: `worker SIGKILL ${where}`, where: `discoverSchema, ${TABLES} tables in batches of 3 (seed ${options.seed}; ${options.moment})`,
    outcome: `new worker finished: ${report.tablesDiscovered} tables discovered, ${tables.length} in the catalog, ${tables.reduce((n, t) => n + t.fileCount, 0)} files`,
    rowsExpected: `${TABLES} tables`, rowsFound: `${tables.length} tables`,
  });
  expect(report).toMatchObject({ tablesDiscovered: TABLES, objectsListed: TABLES * 2 });
  expect(tables.map((t) => [t.name, t.fileCount]).sort()).toEqual(Array.from({ length: TABLES }, (_, t) => [`t${t}`, 2]));
}

describe.concurrent.each(SEEDS)('worker SIGKILL, then a new worker finishes with exact counts (seed %i)', (seed) => {
  const { killAtFile, killAfterStagedMs, killAtTable } = positions(seed);

  it('day load: killed as the first day\'s load starts (before anything is staged)', async () => {
    await dayLoadCase(`crash-before-s${seed}`, 'before a day load', '2025-06-01', {
      seed, crash: { activity: 'loadDayPartition', when: 'before' }, moment: 'killed as the activity started',
    });
  });

  it(`day load: killed while staging (file ${killAtFile} of ${FILES})`, async () => {
    await dayLoadCase(`crash-staging-s${seed}`, 'during a day load (staging files)', '2025-06-02', {
      seed, crash: { activity: 'loadDayPartition', when: 'heartbeat', field: 'filesDone', atLeast: killAtFile },
      moment: `killed at the heartbeat of file ${killAtFile} of ${FILES}`,
    });
  });

  it(`day load: killed in the commit (${killAfterStagedMs} ms after the last file staged)`, async () => {
    // The big day is the second load; the first heartbeat with filesDone 40 is its last file, then the commit runs.
    await dayLoadCase(`crash-commit-s${seed}`, 'during a day\'s commit', '2025-06-02', {
      seed, crash: { activity: 'loadDayPartition', when: 'heartbeat', field: 'filesDone', atLeast: FILES, delayMs: killAfterStagedMs },
      moment: `killed ${killAfterStagedMs} ms after the heartbeat of the last file`,
    });
  });

  it(`day load: killed in a direct commit, while the warehouse reads the files (${killAfterStagedMs} ms in)`, async () => {
    const report = await dayLoadCase(`crash-direct-s${seed}`, 'during a direct commit (the warehouse reading S3)', '2025-06-02', {
      seed, crash: { activity: 'loadDayPartition', when: 'heartbeat', field: 'committing', atLeast: 1, delayMs: killAfterStagedMs, nth: 2 },
      moment: `killed ${killAfterStagedMs} ms after the commit of the second day began`, direct: true,
    });
    // A day committed before the kill reports 'unchanged' on the retry (no path); every day loaded was loaded directly.
    const loaded = report.days.filter((d) => d.status === 'loaded');
    expect(loaded.length).toBeGreaterThan(0);
    for (const day of loaded) expect(day.path).toBe('direct');
  });

  it('day load: killed after the commit, before Temporal heard of it (the retry finds the ledger entry)', async () => {
    const report = await dayLoadCase(`crash-after-s${seed}`, 'after a day\'s commit', '2025-06-01', {
      seed, crash: { activity: 'loadDayPartition', when: 'after' }, moment: 'killed after the commit returned',
    });
    expect(report.days[0]).toMatchObject({ day: '2025-06-01', status: 'skipped', reason: 'unchanged', rows: 10 });
  });

  it(`discovery: killed mid-batch (after table ${killAtTable} of the first batch of 3)`, async () => {
    await discoveryCase(`crash-discovery-s${seed}`, 'during discovery (mid-batch)', {
      seed, crash: { activity: 'discoverTableBatch', when: 'heartbeat', field: 'tablesDone', atLeast: killAtTable },
      moment: `killed at the heartbeat of table ${killAtTable} of 3`,
    });
  });

  it('discovery: killed after the catalog commit, before Temporal heard of it', async () => {
    await discoveryCase(`crash-discovery-commit-s${seed}`, 'after discovery\'s catalog commit', {
      seed, crash: { activity: 'commitDiscovery', when: 'after' }, moment: 'killed after the commit returned',
    });
  });
});
