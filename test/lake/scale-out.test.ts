import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Settings } from '../../src/config/settings';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, putTable, renderFile } from '../support/objects';
import { sharedSettings, readLake } from '../support/shared-store';
import { spawnWorkerProcess, type WorkerProcess } from '../support/spawn-worker';
import { days, discover } from '../import/fixtures';

/**
 * The shared setup (S3BRIDGE_STORE=shared): two worker processes on one task queue, the catalog
 * and DuckLake's metadata in Postgres, the lake's Parquet files in MinIO, read back by a plain DuckDB.
 */
let env: TestEnv;
let settings: Settings;
let workers: WorkerProcess[] = [];
const DAYS = days('2025-03-01', 30);
const FILES_PER_DAY = 2;
const rowsOf = (i: number) => 200 + i;

const table = (name: string) => `raw."${env.source().name}__${name}"`;

async function countsByDay(name: string): Promise<Record<string, number>> {
  const rows = await readLake<{ day: string; n: number }>(settings, `SELECT _day::VARCHAR AS day, count(*) AS n FROM ${table(name)} GROUP BY 1 ORDER BY 1`);
  return Object.fromEntries(rows.map((r) => [r.day, r.n]));
}

beforeAll(async () => {
  env = await createTestEnv('scale-out');
  settings = await sharedSettings(env);
  for (const [i, day] of DAYS.entries()) {
    for (let f = 0; f < FILES_PER_DAY; f += 1) {
      await putTable(env.s3, env.bucket, `events/date=${day}/part-${f}.parquet`,
        `SELECT ${i} * 100000 + ${f} * 10000 + r AS id, 'view' AS event FROM range(${rowsOf(i)}) t(r)`);
    }
  }
  workers = await Promise.all([0, 1].map(() => spawnWorkerProcess(settings, inject('workflowBundlePath'))));
  // Discovery's catalog lands in Postgres, through whichever worker ran each activity.
  await discover(env);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await env?.close();
});

describe('scale-out: two worker processes, one DuckLake', () => {
  it('imports 30 days concurrently with exact counts, no duplicate, and a ledger naming each day\'s worker', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'events', days: 'all', concurrency: 8 });
    const total = DAYS.reduce((n, _, i) => n + FILES_PER_DAY * rowsOf(i), 0);
    expect(report.totals).toMatchObject({ loaded: 30, skipped: 0, failed: 0, rows: total, files: 30 * FILES_PER_DAY });
    expect(await countsByDay('events')).toEqual(Object.fromEntries(DAYS.map((day, i) => [day, FILES_PER_DAY * rowsOf(i)])));
    expect(await readLake(settings, `SELECT count(*) AS n, count(DISTINCT id) AS ids FROM ${table('events')}`)).toEqual([{ n: total, ids: total }]);
    const ledger = await readLake<{ day: string; rows: number; loaded_by: string }>(settings,
      'SELECT day::VARCHAR AS day, row_count AS rows, loaded_by FROM s3bridge.load_ledger WHERE connection = $c ORDER BY day', { c: env.source().name });
    expect(ledger.map((e) => [e.day, e.rows])).toEqual(DAYS.map((day, i) => [day, FILES_PER_DAY * rowsOf(i)]));
    const identities = workers.map((w) => w.identity);
    expect(ledger.every((e) => identities.includes(e.loaded_by))).toBe(true);
    // Both workers took days: the work spread through Temporal's task queue.
    expect(new Set(ledger.map((e) => e.loaded_by)).size).toBe(2);
  });

  it('re-runs load nothing on unchanged files; a late file reloads its day alone', async () => {
    const rerun = await env.s3bridge.importTable({ connection: env.source(), table: 'events', days: 'all' });
    expect(rerun.totals).toMatchObject({ loaded: 0, skipped: 30, failed: 0, rows: 0 });
    const day = DAYS[4]!;
    await putTable(env.s3, env.bucket, `events/date=${day}/part-late.parquet`, 'SELECT 9000000 + r AS id, \'view\' AS event FROM range(7) t(r)');
    const late = await env.s3bridge.importTable({ connection: env.source(), table: 'events', days: 'all' });
    expect(late.days.filter((d) => d.status === 'loaded').map((d) => [d.day, d.rows, d.reason])).toEqual([[day, FILES_PER_DAY * rowsOf(4) + 7, 'files changed']]);
    const counts = await countsByDay('events');
    expect(counts[day]).toBe(FILES_PER_DAY * rowsOf(4) + 7);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(DAYS.reduce((n, _, i) => n + FILES_PER_DAY * rowsOf(i), 0) + 7);
  });

  it('SIGKILL of the worker loading a day: the other worker finishes with exact counts', async () => {
    const part = await renderFile('SELECT r AS n FROM range(10) t(r)', 'parquet');
    const BIG = 120;
    for (let i = 0; i < BIG; i += 1) await putObject(env.s3, env.bucket, `big/date=2025-06-02/part-${String(i).padStart(3, '0')}.parquet`, part);
    await putObject(env.s3, env.bucket, 'big/date=2025-06-01/part-0.parquet', part);
    await discover(env);
    const handle = await env.s3bridge.startImport({ connection: env.source(), table: 'big', days: 'all', concurrency: 2 });
    const bigDay = env.temporal.workflow.getHandle(`${env.workflowIdPrefix}import-${env.source().name}-big-2025-06-02`);
    let holder: string | undefined;
    for (;;) {
      const described = await bigDay.describe().catch(() => undefined);
      const activity = described?.raw.pendingActivities?.find((a) => a.activityType?.name === 'loadDayPartition');
      if (activity?.heartbeatDetails?.payloads?.length) {
        holder = activity.lastWorkerIdentity ?? undefined;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const victim = workers.find((w) => w.identity === holder)!;
    expect(victim).toBeDefined();
    await victim.kill();
    const survivor = workers.find((w) => w !== victim)!;
    const report = await handle.result();
    expect(report.days.map((d) => [d.day, d.status, d.rows, d.files])).toEqual([
      ['2025-06-01', 'loaded', 10, 1],
      ['2025-06-02', 'loaded', 10 * BIG, BIG],
    ]);
    expect(await readLake(settings, `SELECT _day::VARCHAR AS day, count(*) AS n, count(DISTINCT _load_id) AS loads FROM ${table('big').replace(/^raw\./, 'lineage.')} GROUP BY 1 ORDER BY 1`)).toEqual([
      { day: '2025-06-01', n: 10, loads: 1 },
      { day: '2025-06-02', n: 10 * BIG, loads: 1 },
    ]);
    const [entry] = await readLake<{ loaded_by: string }>(settings,
      "SELECT loaded_by FROM s3bridge.load_ledger WHERE connection = $c AND table_name = 'big' AND day = DATE '2025-06-02'", { c: env.source().name });
    expect(entry!.loaded_by).toBe(survivor.identity);
  });
});
