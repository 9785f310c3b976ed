/**
 * Records the committed replay histories (`npm run histories:record`): runs every workflow type
 * through the real worker and services, in the shapes that matter for replay (signals, child
 * workflows, continue-as-new, timers, updates, failures), and writes each history as Temporal's JSON to
 * test/histories/<name>.json. test/replay/replay-histories.test.ts replays them on every test run.
 * Re-record only on purpose: a workflow change that breaks these histories would break running workflows.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { historyToJson, type HistoryFile } from '../support/history-json';
import { putObject, putTable } from '../support/objects';
import { importDayStateQuery } from '../../workflows/definitions';
import { saveConnection } from '../../src/catalog/connection-store';
import { activeDestination, destination, hourOfEvents, seedEvents } from '../export/fixtures';
import { dayWorkflowId } from '../../src/workflow-safe/workflow-ids';

const HISTORIES_DIR = __dirname;
let env: TestEnv;
const recorded: string[] = [];
const rows = (n: number) => `SELECT i::BIGINT AS id, 'v' || i AS label FROM range(${n}) t(i)`;

async function save(name: string, workflowId: string, runId?: string): Promise<void> {
  const history = await env.temporal.workflow.getHandle(workflowId, runId).fetchHistory();
  const workflowType = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '';
  const file: HistoryFile = { workflowId, workflowType, history: historyToJson(history) };
  writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(file, null, 1)}\n`);
  recorded.push(name);
}

/** A table of eight small days (one corrupt after discovery), imported with concurrency 2: two batches of four. */
async function batchedImport(source: ReturnType<TestEnv['source']>): Promise<void> {
  const batchDays = Array.from({ length: 8 }, (_, i) => `2025-02-0${i + 1}`);
  for (const [i, day] of batchDays.entries()) await putTable(env.s3, env.bucket, `clicks/date=${day}/part-0.parquet`, rows(i + 2));
  await env.s3bridge.discoverSchema({ connection: source });
  await putObject(env.s3, env.bucket, 'clicks/date=2025-02-03/part-1.parquet', 'PAR1 not a parquet file PAR1');
  const batched = await env.s3bridge.importTable({ connection: source, table: 'clicks', days: 'all', concurrency: 2 });
  expect(batched.days.map((d) => d.status)).toEqual(['loaded', 'loaded', 'failed', 'loaded', 'loaded', 'loaded', 'loaded', 'loaded']);
  await save('import-table-day-batches', env.s3bridge.importWorkflowId(source.name, 'clicks'));
}

beforeAll(async () => {
  env = await createTestEnv('histories');
  await env.startWorker();
  await putTable(env.s3, env.bucket, 'events/date=2025-01-01/part-0.parquet', rows(5));
  await putTable(env.s3, env.bucket, 'events/date=2025-01-02/part-0.parquet', rows(7));
  await putObject(env.s3, env.bucket, 'events/_SUCCESS', '');
  await putTable(env.s3, env.bucket, 'users/part-0.parquet', rows(3));
  await putTable(env.s3, env.bucket, 'pages/part-0.parquet', rows(2));
});
afterAll(async () => env?.close());

it('records a history of every workflow type', async () => {
  for (const file of readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'))) rmSync(path.join(HISTORIES_DIR, file));
  const source = env.source();
  const id = (name: string) => `${env.workflowIdPrefix}${name}`;
  const start = (type: string, name: string, input: unknown) =>
    env.temporal.workflow.start(type, { taskQueue: env.taskQueue, workflowId: id(name), args: [input] });

  // checkSetup: two activities; and a bad input failing the workflow at once.
  await (await start('checkSetup', 'check-setup', { connection: { ...source, prefix: 'events' } })).result();
  await save('check-setup', id('check-setup'));
  await (await start('checkSetup', 'check-setup-bad-input', { connection: { ...source, bucket: 's3://nope/x' } })).result().catch(() => undefined);
  await save('check-setup-bad-input', id('check-setup-bad-input'));

  // validateConnection: Active, and Failed on an unset secret reference (a report row, not retried).
  const validated = await env.s3bridge.validateConnection({ connection: source });
  expect(validated.status).toBe('active');
  await save('validate-connection-active', env.s3bridge.validationWorkflowId(source.name));
  const unset = { ...source, name: `${source.name}-unset`, auth: { type: 'static-keys' as const, accessKeyId: 'env:S3BRIDGE_HISTORIES_UNSET_KEY', secretAccessKey: 'env:S3BRIDGE_HISTORIES_UNSET_SECRET' } };
  expect((await env.s3bridge.validateConnection({ connection: unset })).status).toBe('failed');
  await save('validate-connection-failed', env.s3bridge.validationWorkflowId(unset.name));

  // discoverSchema continuing as new between one-table batches: every run of the chain.
  const discovery = await env.s3bridge.startDiscoverSchema({ connection: source, batchSize: 1, concurrentBatches: 1, continueAsNewAfterEvents: 10 });
  const report = await discovery.result();
  expect(report.tablesDiscovered).toBe(3);
  const runs: string[] = [];
  for await (const execution of env.temporal.workflow.list({ query: `WorkflowId = ${JSON.stringify(discovery.workflowId)}` })) runs.push(execution.runId);
  expect(runs.length).toBeGreaterThanOrEqual(2);
  const ordered = await Promise.all(runs.map(async (runId) => ({ runId, started: (await env.temporal.workflow.getHandle(discovery.workflowId, runId).describe()).startTime.getTime() })));
  ordered.sort((a, b) => a.started - b.started);
  for (const [index, { runId }] of ordered.entries()) await save(`discover-schema-continue-as-new-run-${index + 1}`, discovery.workflowId, runId);

  // importTable with importDay children: two days load.
  const first = await env.s3bridge.importTable({ connection: source, table: 'events', days: 'all' });
  expect(first.totals.loaded).toBe(2);
  await save('import-table', env.s3bridge.importWorkflowId(source.name, 'events'));
  await save('import-day-loaded', dayWorkflowId(source.name, 'events', '2025-01-01', env.workflowIdPrefix));

  // A drifted day waits on the approveDrift signal (driftPolicy "wait"); a corrupt day fails; both in one import.
  await putTable(env.s3, env.bucket, 'events/date=2025-01-03/part-0.parquet', "SELECT 'x' || i AS id, 'v' AS label FROM range(2) t(i)");
  await putObject(env.s3, env.bucket, 'events/date=2025-01-04/part-0.parquet', 'PAR1 not a parquet file PAR1');
  const waiting = await env.s3bridge.startImport({ connection: source, table: 'events', driftPolicy: 'wait' }, '-drift');
  const day = env.temporal.workflow.getHandle(dayWorkflowId(source.name, 'events', '2025-01-03', env.workflowIdPrefix));
  for (let state = await day.query(importDayStateQuery).catch(() => undefined); state?.state !== 'waiting-for-drift-approval';) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    state = await day.query(importDayStateQuery).catch(() => undefined);
  }
  const approval = await env.s3bridge.approveTableDrift({ connection: source.name, table: 'events' });
  expect(approval.signalled).toContain(day.workflowId);
  const second = await waiting.result();
  expect(second.days.map((d) => [d.day, d.status])).toEqual([['2025-01-03', 'loaded'], ['2025-01-04', 'failed']]);
  await save('import-table-drift-wait-and-failed-day', waiting.workflowId);
  await save('import-day-drift-wait-signal', day.workflowId);
  await save('import-day-failed', dayWorkflowId(source.name, 'events', '2025-01-04', env.workflowIdPrefix));
  let approveId: string | undefined;
  for await (const execution of env.temporal.workflow.list({ query: `WorkflowType = "approveTableDrift" AND TaskQueue = ${JSON.stringify(env.taskQueue)}` })) approveId = execution.workflowId;
  await save('approve-table-drift', approveId!);

  // discoverSchema resync: the diff and the held drift of the table imports changed.
  await putTable(env.s3, env.bucket, 'users/part-1.parquet', `SELECT *, 1.5::DOUBLE AS score FROM (${rows(2)})`);
  const resync = await env.s3bridge.discoverSchema({ connection: source });
  expect(resync.drifted).toContain('users');
  await save('discover-schema-resync-drift', discovery.workflowId);

  // importTable loading small days in batches (loadDayBatch, no importDay children): 8 days over 2 lanes, a corrupt day failing inside its batch.
  await batchedImport(source);

  // exportTable over two hourly windows of canonical.events (seeded as an import would write them).
  await seedEvents(env, hourOfEvents('2025-10-01T10:00:00Z', 6), 'load-10');
  await seedEvents(env, hourOfEvents('2025-10-01T11:00:00Z', 4, 50), 'load-11');
  const exportDestination = await activeDestination(env, destination(env, { name: `export-${env.id}`, prefix: 'export' }));
  const exported = await env.s3bridge.exportTable({ destination: exportDestination.name, sourceId: 'web', windows: { from: '2025-10-01T10', to: '2025-10-01T12' } });
  expect(exported).toMatchObject({ status: 'exported', totals: { windows: 2, failed: 0, rows: 10 } });
  await save('export-table', env.s3bridge.exportWorkflowId(exportDestination.name, 'web'));

  // migrateDestination end to end: paused and resumed (signals), held for an approval (an Update), a
  // 1-second overlap (a timer), and its child workflows (validation, test export, verifying export).
  const from = await activeDestination(env, destination(env, { name: `migrate-old-${env.id}`, prefix: 'migrate-old' }));
  const to = destination(env, { name: `migrate-new-${env.id}`, prefix: 'migrate-new' });
  await env.withWarehouse((db) => saveConnection(db, to));
  const migration = await env.s3bridge.startMigrateDestination({ from: from.name, to: to.name, windows: { from: '2025-10-01T10', to: '2025-10-01T12' }, overlap: '1 second', requireApproval: true });
  await env.s3bridge.pauseMigration(from.name, to.name);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await env.s3bridge.resumeMigration(from.name, to.name);
  for (let i = 0; (await env.s3bridge.queryMigration(from.name, to.name).catch(() => undefined))?.step !== 'awaiting-approval'; i += 1) {
    if (i > 1200) throw new Error('the migration never reached awaiting-approval');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect((await env.s3bridge.approveMigration(from.name, to.name, { approve: true, by: 'recorder' })).accepted).toBe(true);
  const migrated = await migration.result();
  expect(migrated.status, migrated.reason).toBe('completed');
  expect(migrated.findings.map((f) => f.split(':')[0])).toContain('overlap');
  await save('migrate-destination', migration.workflowId);
  await save('migrate-destination-validate', `${migration.workflowId}-validate`);
  await save('migrate-destination-test-export', `${migration.workflowId}-test-export`);
  await save('migrate-destination-verify-export', `${migration.workflowId}-verify-export`);

  // Warehouse maintenance through the worker that owns the file (`s3bridge sql`, `tables reset`, `connections remove`).
  const maintenance = async (type: string, name: string, input: unknown) => {
    await env.temporal.workflow.execute(type, { taskQueue: env.taskQueue, workflowId: id(name), args: [input] });
    await save(name, id(name));
  };
  await maintenance('queryWarehouse', 'query-warehouse', { sql: 'SELECT count(*) AS n FROM s3bridge.load_ledger', limit: 10 });
  await maintenance('resetTable', 'reset-table', { connection: source.name, table: 'events' });
  const removable = env.source({ name: `removable-${env.id}` });
  await env.withWarehouse((db) => saveConnection(db, removable));
  await maintenance('removeConnection', 'remove-connection', { connection: removable.name });

  console.log(`recorded ${recorded.length} histories: ${recorded.join(', ')}`);
});
