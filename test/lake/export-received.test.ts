import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { readLake } from '../support/shared-store';
import { discover } from '../import/fixtures';
import {
  activeDestination, backdateRecentLoads, bucketKeys, destination, readAsConsumer, readMessages, receivedHourOf, rowsByReceivedDaySql,
} from '../export/fixtures';
import { HOUR_MS, windowLabel } from '../../src/workflow-safe/export/export-layout';
import type { ImportInput } from '../../src/workflow-safe/import/import-input';

/**
 * The Segment-format export by received time on the shared store (catalog in Postgres, warehouse
 * in a DuckLake on MinIO, a worker on the real Temporal server): imported days exported by
 * backfill and by the Schedule's run, read back as Segment's users read it.
 */
let env: TestEnv;
const hour = (ms: number) => new Date(ms).toISOString().slice(0, 13);
const dayOf = (ms: number) => String(Math.floor(ms / 86_400_000) * 86_400_000);
/** The lake's rows of canonical.events per received day, read as any DuckDB user reads the lake. */
const lakeByReceivedDay = async () => Object.fromEntries((await readLake<{ day: number; n: number }>(env.settings, rowsByReceivedDaySql('canonical.events')))
  .map((r) => [String(r.day), r.n]));
const countsByDay = (byDay: Record<string, unknown[]>) => Object.fromEntries(Object.entries(byDay).map(([day, messages]) => [day, messages.length]));
const FOLDER = 'out/segment-logs/events';
const mapping: ImportInput['mapping'] = { mode: 'events', events: { eventName: { column: 'event' }, userId: 'uid', timestamp: { column: 'ts' } } };
const source = () => env.source({ prefix: 'src' });
const dayFile = (day: string, rows: number, offset = 0) => putTable(env.s3, env.bucket, `src/clicks/${day}/part-0.parquet`,
  `SELECT 'e' || (r % 3) AS event, 'u' || (r + ${offset}) AS uid, TIMESTAMP '${day} 10:00:00' + INTERVAL (r) MINUTE AS ts FROM range(${rows}) t(r)`);
const importClicks = async () => (await env.s3bridge.importTable({ connection: source(), table: 'clicks', days: 'all', mapping }))
  .days.map((d) => [d.day, d.status, d.rows]);
/** The destination's objects and their ETags (an ETag is the MD5 of a PutObject's bytes). */
const objects = async (): Promise<Record<string, string | undefined>> => Object.fromEntries(await Promise.all((await bucketKeys(env, env.bucket, `${FOLDER}/`))
  .map(async (key) => [key, (await env.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: key }))).ETag] as const)));
let dest: string;

beforeAll(async () => {
  env = await createTestEnv('lake-export', { store: 'shared' });
  await env.startWorker();
  await dayFile('2025-03-01', 40);
  await dayFile('2025-03-02', 25, 1000);
  await discover({ ...env, source: (o = {}) => env.source({ prefix: 'src', ...o }) });
  dest = (await activeDestination(env, destination(env, { name: `out-${env.id}`, prefix: 'out' }))).name;
});
afterAll(async () => env?.close());

describe('Segment export by received time on the shared store', () => {
  it('a backfill over the import\'s hours files every message in its received day, the lake\'s rows per received day; a second run writes the same objects', async () => {
    // Two imports committed a day apart (imports run now, their commits moved back): two received days.
    expect(await importClicks()).toEqual([['2025-03-01', 'loaded', 40], ['2025-03-02', 'loaded', 25]]);
    // Each day is its own load: March 1st's moved a day further back.
    await backdateRecentLoads(env, 2);
    const [first] = await readLake<{ load_id: string }>(env.settings, "SELECT load_id FROM s3bridge.load_ledger WHERE day = DATE '2025-03-01'");
    await env.withWarehouseTables((db) => db.run(
      'UPDATE s3bridge.load_ledger SET loaded_at = loaded_at - INTERVAL 24 HOUR WHERE load_id = $id', { id: first!.load_id }));
    const oldest = await receivedHourOf(env, 'oldest');
    const newest = await receivedHourOf(env);
    const hours = (newest - oldest) / HOUR_MS + 1;
    // 24 hours apart (25 if the two commits straddled an hour): two received days.
    expect([25, 26]).toContain(hours);

    const backfill = () => env.s3bridge.exportTable({ destination: dest, windows: { from: hour(oldest), to: hour(newest + HOUR_MS) } });
    const report = await backfill();
    expect(report.windows).toHaveLength(hours);
    expect(report.totals.rows).toBe(65);
    expect(report.windows.filter((w) => w.rows > 0).map((w) => [w.window, w.rows])).toEqual([[windowLabel(oldest), 40], [windowLabel(newest), 25]]);

    // A consumer lists the received-day folders, gunzips every file, parses every line.
    const { byDay, problems } = await readAsConsumer(env, FOLDER);
    expect(problems).toEqual([]);
    const lake = await lakeByReceivedDay();
    expect(lake).toEqual({ [dayOf(oldest)]: 40, [dayOf(newest)]: 25 });
    expect(countsByDay(byDay)).toEqual(lake);
    const ids = Object.values(byDay).flat().map((m) => m.messageId);
    expect(ids).toHaveLength(65);
    expect(new Set(ids).size).toBe(65);

    // The same window again: the same keys, byte for byte (same ETags), nothing else.
    const before = await objects();
    expect(Object.keys(before)).toHaveLength(2);
    expect(Object.values(before).every((etag) => typeof etag === 'string')).toBe(true);
    const again = await backfill();
    expect(again.windows.map((w) => [w.window, w.rows, w.keys])).toEqual(report.windows.map((w) => [w.window, w.rows, w.keys]));
    expect(await objects()).toEqual(before);
    // The Schedule's run next hour finds nothing it has not sent.
    expect((await env.s3bridge.exportTable({ destination: dest, asOf: hour(newest + HOUR_MS) })).windows).toEqual([]);
  });

  it('a day reloaded from a changed file is received again: the next scheduled run sends it in its hour with the same message IDs, once', async () => {
    const before = (await readAsConsumer(env, FOLDER)).byDay;
    const sent = new Set(Object.values(before).flat().map((m) => m.messageId as string));
    const lastExported = await receivedHourOf(env);
    await dayFile('2025-03-01', 41);
    expect(await importClicks()).toEqual([['2025-03-01', 'loaded', 41], ['2025-03-02', 'skipped', 0]]);
    await backdateRecentLoads(env, 1);
    const reloaded = await receivedHourOf(env);
    expect(reloaded).toBeGreaterThan(lastExported);
    const run = await env.s3bridge.exportTable({ destination: dest, asOf: hour(reloaded + HOUR_MS) });
    expect(run.totals.rows).toBe(41);
    expect(run.windows.at(-1)).toMatchObject({ window: windowLabel(reloaded), reason: 'scheduled', rows: 41 });
    const resent = await readMessages(env, run.windows.at(-1)!.keys[0]!);
    // 40 of the 41 were sent before (in March 1st's first import), with these IDs; one is new.
    expect(resent.filter((m) => sent.has(m.messageId as string))).toHaveLength(40);
    expect(new Set(resent.map((m) => m.receivedAt)).size).toBe(1);
    const after = await readAsConsumer(env, FOLDER);
    expect(after.problems).toEqual([]);
    // What was sent stays sent; the reloaded day's rows are in the lake under the reloaded hour's day.
    for (const [day, messages] of Object.entries(before)) expect(after.byDay[day]!.slice(0, messages.length)).toEqual(messages);
    const lake = await lakeByReceivedDay();
    expect(lake).toEqual(dayOf(reloaded) === dayOf(lastExported) ? { [dayOf(reloaded)]: 66 } : { [dayOf(lastExported)]: 25, [dayOf(reloaded)]: 41 });
    // Once: the same run again sends nothing.
    expect((await env.s3bridge.exportTable({ destination: dest, asOf: hour(reloaded + HOUR_MS) })).windows).toEqual([]);
  });

  it('a load that commits into an exported hour (a long commit) is caught by the next scheduled run: the hour again, whole, under the same key', async () => {
    const exported = await receivedHourOf(env);
    const key = `${FOLDER}/${dayOf(exported)}/s3bridge-${hour(exported).replace(/-/g, '')}-0000.gz`;
    const sentBefore = (await readMessages(env, key)).map((m) => m.messageId as string);
    expect(sentBefore).toHaveLength(41);
    await dayFile('2025-02-28', 15, 2000);
    expect(await importClicks()).toEqual([['2025-02-28', 'loaded', 15], ['2025-03-01', 'skipped', 0], ['2025-03-02', 'skipped', 0]]);
    // Its commit began in the hour already exported, and became visible after that hour's run.
    await env.withWarehouseTables((db) => db.run("UPDATE s3bridge.load_ledger SET loaded_at = to_timestamp($ms / 1000) WHERE day = DATE '2025-02-28'",
      { ms: exported + 30 * 60_000 }));
    const run = await env.s3bridge.exportTable({ destination: dest, asOf: hour(exported + HOUR_MS) });
    expect(run.windows.map((w) => [w.window, w.reason, w.rows, w.keys])).toEqual([[windowLabel(exported), 'late commit', 56, [key]]]);
    const resent = (await readMessages(env, key)).map((m) => m.messageId as string);
    expect(resent).toHaveLength(56);
    expect(new Set(resent).size).toBe(56);
    expect(sentBefore.every((id) => resent.includes(id))).toBe(true);
    expect((await readAsConsumer(env, FOLDER)).problems).toEqual([]);
    expect((await env.s3bridge.exportTable({ destination: dest, asOf: hour(exported + HOUR_MS) })).windows).toEqual([]);
  });
});
