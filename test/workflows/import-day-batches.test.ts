import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, putTable } from '../support/objects';
import { days, discover, lineageTable, rawTable, warehouse } from '../import/fixtures';
import { describeRun, queryImportProgress } from '../../src/client/run-control';
import { PageData } from '../../src/console/page-data';
import { WarehouseReads } from '../../src/console/warehouse-reads';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker';

let env: TestEnv;
let crashEnv: TestEnv | undefined;
let crashing: WorkerProcess | undefined;
const DAYS = days('2025-03-01', 40);
const BAD_DAYS = days('2025-04-01', 12);
const BAD_DAY = BAD_DAYS[4]!;
const rowsOf = (i: number) => 10 + i;
const DRIFT_DAYS = days('2025-06-01', 10);

beforeAll(async () => {
  env = await createTestEnv('import-batches');
  await Promise.all([
    ...DAYS.map((day, i) => putTable(env.s3, env.bucket, `small/date=${day}/part-0.parquet`, `SELECT ${i} * 1000 + r AS id, 'view' AS event FROM range(${rowsOf(i)}) t(r)`)),
    ...BAD_DAYS.map((day, i) => putTable(env.s3, env.bucket, `mixed/date=${day}/part-0.parquet`, `SELECT ${i} * 1000 + r AS id FROM range(${rowsOf(i)}) t(r)`)),
  ]);
  await Promise.all(DRIFT_DAYS.map((day, i) => putTable(env.s3, env.bucket, `drifting/date=${day}/part-0.parquet`, `SELECT ${i} * 1000 + r AS id FROM range(${rowsOf(i)}) t(r)`)));
  await env.startWorker();
  await discover(env);
  // After discovery: the fifth day gains a column.
  await putTable(env.s3, env.bucket, `drifting/date=${DRIFT_DAYS[4]}/part-0.parquet`, "SELECT 4000 + r AS id, 'x' || r AS extra FROM range(14) t(r)");
  // After discovery (which would sample it): one day of `mixed` gets a file that is not Parquet.
  await putObject(env.s3, env.bucket, `mixed/date=${BAD_DAY}/part-1.parquet`, 'not a parquet file at all');
});
afterAll(async () => {
  await crashing?.kill();
  await crashEnv?.close();
  await env?.close();
});

/** Activities the import's history scheduled, by type, and the child workflows it started. */
async function historyOf(handle: WorkflowHandle) {
  const events = (await handle.fetchHistory()).events ?? [];
  const activities: Record<string, number> = {};
  for (const e of events) {
    const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (type) activities[type] = (activities[type] ?? 0) + 1;
  }
  return { activities, children: events.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes).length, events: events.length };
}

const countsByDay = async (table: string) => Object.fromEntries((await warehouse<{ day: string; n: number }>(env,
  `SELECT _day::VARCHAR AS day, count(*) AS n FROM ${rawTable(env, table)} GROUP BY 1 ORDER BY 1`)).map((r) => [r.day, r.n]));

const ledgerOf = (table: string) => warehouse<{ unit: string; entries: number; rows: number }>(env,
  'SELECT unit, count(*) AS entries, sum(row_count) AS rows FROM s3bridge.load_ledger WHERE connection = $c AND table_name = $t GROUP BY 1 ORDER BY 1',
  { c: env.source().name, t: table });

describe('importTable batches small days', () => {
  it('loads 40 small days in 4 batch activities, each day with its rows, its ledger entry and its report', async () => {
    const handle = await env.s3bridge.startImport({ connection: env.source(), table: 'small', days: 'all', concurrency: 4 });
    const report = await handle.result();
    expect(report.days.map((d) => [d.day, d.status, d.rows, d.files, d.reason, d.path])).toEqual(DAYS.map((day, i) => [day, 'loaded', rowsOf(i), 1, 'new', 'staged']));
    expect(report.totals).toMatchObject({ loaded: 40, failed: 0, rows: DAYS.reduce((n, _, i) => n + rowsOf(i), 0) });
    expect(await countsByDay('small')).toEqual(Object.fromEntries(DAYS.map((day, i) => [day, rowsOf(i)])));
    expect(await ledgerOf('small')).toEqual(DAYS.map((day, i) => ({ unit: day, entries: 1, rows: rowsOf(i) })));
    // Every day its own load ID, though one transaction committed ten of them.
    expect(await warehouse(env, `SELECT count(DISTINCT _load_id) AS loads FROM ${lineageTable(env, 'small')}`)).toEqual([{ loads: 40 }]);
    // 40 small days over 4 lanes: 4 batches of 10, no importDay child, no Active check per day.
    expect(await historyOf(handle)).toMatchObject({ activities: { requireActiveConnection: 1, planImport: 1, loadDayBatch: 4 }, children: 0 });
  });

  it('skips every day of the batches on a re-run of unchanged files, and reloads them without duplicating a row', async () => {
    const again = await env.s3bridge.importTable({ connection: env.source(), table: 'small', days: 'all', concurrency: 4 });
    expect(again.totals).toMatchObject({ loaded: 0, skipped: 40, failed: 0 });
    const reloaded = await env.s3bridge.importTable({ connection: env.source(), table: 'small', days: 'all', concurrency: 4, reload: true });
    expect(reloaded.totals).toMatchObject({ loaded: 40, failed: 0 });
    expect(reloaded.days.every((d) => d.reason === 'reload requested')).toBe(true);
    expect(await countsByDay('small')).toEqual(Object.fromEntries(DAYS.map((day, i) => [day, rowsOf(i)])));
    expect(await ledgerOf('small')).toEqual(DAYS.map((day, i) => ({ unit: day, entries: 1, rows: rowsOf(i) })));
  });

  it('fails a bad day inside a batch alone, with its error, while the other days of the batch land; console and status read every day', async () => {
    const handle = await env.s3bridge.startImport({ connection: env.source(), table: 'mixed', days: 'all', concurrency: 2 });
    const report = await handle.result();
    const badKey = `s3://${env.bucket}/mixed/date=${BAD_DAY}/part-1.parquet`;
    const bad = report.days.find((d) => d.day === BAD_DAY)!;
    expect(bad).toMatchObject({ status: 'failed', rows: 0, files: 2 });
    expect(bad.reason).toBe(`${badKey} cannot be read as parquet: Invalid Input Error: No magic bytes found at end of file '${badKey}'; replace or remove the file, then re-run the import`);
    const good = BAD_DAYS.map((day, i) => [day, rowsOf(i)] as const).filter(([day]) => day !== BAD_DAY);
    expect(report.days.filter((d) => d.day !== BAD_DAY).map((d) => [d.day, d.status, d.rows])).toEqual(good.map(([day, n]) => [day, 'loaded', n]));
    expect(await countsByDay('mixed')).toEqual(Object.fromEntries(good));
    expect((await ledgerOf('mixed')).map((l) => l.unit)).toEqual(good.map(([day]) => day));
    // 12 small days over 2 lanes: 2 batches of 6; the bad one failed inside its batch, not as a day of its own.
    expect(await historyOf(handle)).toMatchObject({ activities: { loadDayBatch: 2 }, children: 0 });

    // `s3bridge status`: the progress query and the failed-days search attribute.
    const progress = await queryImportProgress(handle);
    expect(progress).toMatchObject({ phase: 'done', daysToLoad: 12, daysDone: 12, daysLoaded: 11, daysFailed: 1, rows: good.reduce((n, [, r]) => n + r, 0) });
    expect((await describeRun(env.temporal, handle.workflowId)).failedDays).toBe(1);
    // The console's calendar: every day's outcome, the failed one with its reason.
    const page = await new PageData(env.s3bridge, env.settings, new WarehouseReads(env.s3bridge, env.settings)).table(env.source().name, 'mixed');
    expect(page.days.map((d) => [d.day, d.outcome, d.rows])).toEqual(BAD_DAYS.map((day, i) => (day === BAD_DAY ? [day, 'failed', 0] : [day, 'loaded', rowsOf(i)])));
    expect(page.days.find((d) => d.day === BAD_DAY)!.reason).toBe(bad.reason);
  });
});

describe('schema drift inside a batch', () => {
  it('evolves the table at the drifted day and keeps the evolved schema: a later day without the column does not undo it', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'drifting', days: 'all', concurrency: 1, driftPolicy: 'evolve' });
    expect(report.totals).toMatchObject({ loaded: 10, failed: 0 });
    expect(report.days.filter((d) => d.drift).map((d) => [d.day, d.drift])).toEqual([[DRIFT_DAYS[4], `new column "extra" VARCHAR (in drifting/date=${DRIFT_DAYS[4]}/part-0.parquet)`]]);
    expect(await warehouse(env, `SELECT _day::VARCHAR AS day, count(extra) AS extra FROM ${rawTable(env, 'drifting')} GROUP BY 1 HAVING count(extra) > 0`))
      .toEqual([{ day: DRIFT_DAYS[4], extra: 14 }]);
    const [accepted] = await warehouse<{ columns: string }>(env, "SELECT columns::VARCHAR AS columns FROM s3bridge.accepted_schemas WHERE table_name = 'drifting'");
    expect(JSON.parse(accepted!.columns)).toContainEqual({ name: 'extra', type: 'VARCHAR' });
    // One batch of ten days (concurrency 1).
    const history = await historyOf(env.temporal.workflow.getHandle(env.s3bridge.importWorkflowId(env.source().name, 'drifting')));
    expect(history).toMatchObject({ activities: { loadDayBatch: 1 }, children: 0 });
  });
});

describe('a batch retried after its commit', () => {
  it('the worker dies after the batch committed, before Temporal heard: the retry skips its days, no row is duplicated or lost', async () => {
    crashEnv = await createTestEnv('import-batch-crash');
    const e = crashEnv;
    const crashDays = days('2025-05-01', 8);
    await Promise.all(crashDays.map((day, i) => putTable(e.s3, e.bucket, `logs/date=${day}/part-0.parquet`, `SELECT ${i} * 1000 + r AS id FROM range(${rowsOf(i)}) t(r)`)));
    // The first batch's first attempt SIGKILLs the worker once it has committed.
    crashing = await spawnWorker(e.settings, { activity: 'loadDayBatch', when: 'after', nth: 1 });
    await discover(e);
    // 8 days over 2 lanes: 2 batches of 4.
    const handle = await e.s3bridge.startImport({ connection: e.source(), table: 'logs', days: 'all', concurrency: 2 });
    await crashing.exited;
    expect(crashing.child.signalCode).toBe('SIGKILL');
    crashing = undefined;
    await e.startWorker();
    const report = await handle.result();
    expect(report.totals).toMatchObject({ failed: 0 });
    // The killed batch's days were committed before the kill: its retry finds them in the ledger (unchanged).
    const retried = report.days.filter((d) => d.status === 'skipped');
    expect(retried.length).toBeGreaterThanOrEqual(4);
    expect(retried.every((d) => d.reason === 'unchanged' && d.rows === rowsOf(crashDays.indexOf(d.day!)))).toBe(true);
    expect(report.days.map((d) => [d.day, d.rows])).toEqual(crashDays.map((day, i) => [day, rowsOf(i)]));
    const found = await warehouse<{ day: string; n: number; loads: number }>(e,
      `SELECT _day::VARCHAR AS day, count(*) AS n, count(DISTINCT _load_id) AS loads FROM ${lineageTable(e, 'logs')} GROUP BY 1 ORDER BY 1`);
    expect(found).toEqual(crashDays.map((day, i) => ({ day, n: rowsOf(i), loads: 1 })));
    const ledger = await warehouse<{ entries: number }>(e, 'SELECT count(*) AS entries FROM s3bridge.load_ledger WHERE table_name = $t', { t: 'logs' });
    expect(ledger).toEqual([{ entries: 8 }]);
    // The killed batch's activity ran again: a second attempt in the import's history.
    const events = (await handle.fetchHistory()).events ?? [];
    const attempts = events.filter((ev) => ev.activityTaskStartedEventAttributes).map((ev) => ev.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toContain(2);
  });
});
