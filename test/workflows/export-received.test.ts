import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { discover } from '../import/fixtures';
import {
  activeDestination, backdateRecentLoads, destination, hourOfEvents, readAsConsumer, readMessages, receivedHourOf, reloadLoad,
  rowsByReceivedDay, seedEvents,
} from '../export/fixtures';
import { HOUR_MS, windowLabel } from '../../src/workflow-safe/export/export-layout';
import type { ImportInput } from '../../src/workflow-safe/import/import-input';

let env: TestEnv;
const hour = (ms: number) => new Date(ms).toISOString().slice(0, 13);
const dayOf = (ms: number) => Math.floor(ms / 86_400_000) * 86_400_000;

beforeAll(async () => {
  env = await createTestEnv('export-recv');
  await env.startWorker();
});
afterAll(async () => env?.close());

describe('scheduled exports by received time (loads seeded with their commit times)', () => {
  const H = (h: string) => `2025-08-05T${h}`;

  it('exports the hour that just closed, then a load that committed into an exported hour late; a reloaded day goes out again, same IDs, in the hour it is received', async () => {
    const dest = await activeDestination(env, destination(env, { name: `recv-${env.id}`, prefix: 'recv' }));
    const run = async (asOf: string) => (await env.s3bridge.exportTable({ destination: dest.name, asOf })).windows.map((w) => [w.window.slice(0, 13), w.reason, w.rows]);
    // Events of August 3rd, received (committed) at 09:20 on the 5th.
    await seedEvents(env, hourOfEvents('2025-08-03T02:00:00Z', 10), 'r1', `${H('09')}:20:00Z`);
    expect(await run(H('10'))).toEqual([[H('09'), 'scheduled', 10]]);

    // A commit that began at 09:50 but became visible after the 10:40 run; a load received at 10:30.
    await seedEvents(env, hourOfEvents('2025-08-05T08:00:00Z', 4, 100), 'r2', `${H('09')}:50:00Z`);
    await seedEvents(env, hourOfEvents('2025-08-04T00:00:00Z', 6, 200), 'r3', `${H('10')}:30:00Z`);
    expect(await run(H('11'))).toEqual([[H('09'), 'late commit', 14], [H('10'), 'scheduled', 6]]);

    // r1's day is reloaded at 11:10: received again, sent again in 11:00 with the same message IDs; 09:00 stays as sent.
    const folder = `recv/segment-logs/events/${dayOf(Date.parse(H('09:00:00Z')))}`;
    const sentAt9 = await readMessages(env, `${folder}/s3bridge-20250805T09-0000.gz`);
    await reloadLoad(env, 'r1', 'r4', `${H('11')}:10:00Z`);
    expect(await run(H('12'))).toEqual([[H('11'), 'scheduled', 10]]);
    const resent = await readMessages(env, `${folder}/s3bridge-20250805T11-0000.gz`);
    const r1Ids = sentAt9.filter((m) => (m.timestamp as string).startsWith('2025-08-03')).map((m) => m.messageId);
    expect(resent.map((m) => m.messageId).sort()).toEqual(r1Ids.sort());
    expect(new Set(resent.map((m) => m.receivedAt))).toEqual(new Set([`${H('11')}:10:00.000Z`]));
    expect(await readMessages(env, `${folder}/s3bridge-20250805T09-0000.gz`)).toEqual(sentAt9);
    // Nothing new: nothing sent.
    expect(await run(H('12'))).toEqual([]);
  });

  it('a stream\'s first scheduled run sends what was received from then on, and says how to send what came before', async () => {
    const dest = await activeDestination(env, destination(env, { name: `joiner-${env.id}`, prefix: 'joiner' }));
    const report = await env.s3bridge.exportTable({ destination: dest.name, asOf: H('12') });
    expect(report.windows.map((w) => [w.window, w.rows])).toEqual([[`${H('11')}:00:00.000Z`, 10]]);
    // Received before 11:00 and still in the warehouse: r2 (4 rows at 09:50) and r3 (6 rows at 10:30).
    expect(report.note).toBe(`the first scheduled export sends what is received from ${H('11')}:00:00.000Z on; 10 row(s) received earlier `
      + `(from ${H('09')}:00:00.000Z) are not sent: backfill them by received hour (s3bridge export backfill ... --from ${H('09')} --to ${H('11')})`);
  });
});

describe('a late import, exported by received time and read back by a consumer', () => {
  const mapping: ImportInput['mapping'] = { mode: 'events', events: { eventName: { column: 'event' }, userId: 'uid', timestamp: { column: 'ts' } } };
  // The source's files under src/ (the destinations' exports elsewhere in the bucket are no source tables).
  const source = () => env.source({ prefix: 'src' });
  const dayFile = (day: string, rows: number, offset = 0) => putTable(env.s3, env.bucket, `src/clicks/${day}/part-0.parquet`,
    `SELECT 'e' || (r % 3) AS event, 'u' || (r + ${offset}) AS uid, TIMESTAMP '${day} 10:00:00' + INTERVAL (r) MINUTE AS ts FROM range(${rows}) t(r)`);
  const importClicks = () => env.s3bridge.importTable({ connection: source(), table: 'clicks', days: 'all', mapping });
  let dest: string;

  beforeAll(async () => {
    await dayFile('2025-03-01', 40);
    await discover({ ...env, source: (o = {}) => env.source({ prefix: 'src', ...o }) });
    dest = (await activeDestination(env, destination(env, { name: `consumer-${env.id}`, prefix: 'consumer' }))).name;
  });

  it('the scheduled run after a late import exports exactly the late rows, once; every received-day folder holds the warehouse\'s rows of that day', async () => {
    // The events table is shared with the seeded cases above: this stream exports only what these imports commit from now on.
    expect((await importClicks()).days.map((d) => [d.day, d.status, d.rows])).toEqual([['2025-03-01', 'loaded', 40]]);
    // Committed 3 hours ago (an import now, moved back: the scheduled runs below see distinct hours).
    await backdateRecentLoads(env, 3);
    const first = await receivedHourOf(env);
    const firstRun = await env.s3bridge.exportTable({ destination: dest, asOf: hour(first + HOUR_MS) });
    expect(firstRun.windows.map((w) => [w.window, w.reason, w.rows])).toEqual([[windowLabel(first), 'scheduled', 40]]);

    // A day that arrived late (older than the one already exported) is imported 2 hours ago.
    await dayFile('2025-02-28', 15, 1000);
    expect((await importClicks()).days.map((d) => [d.day, d.status, d.rows])).toEqual([['2025-02-28', 'loaded', 15], ['2025-03-01', 'skipped', 0]]);
    await backdateRecentLoads(env, 2);
    const late = await receivedHourOf(env);
    const next = await env.s3bridge.exportTable({ destination: dest, asOf: hour(late + HOUR_MS) });
    // Every hour since the first run (one or two, as the imports fell in the clock), the late rows in the last, nothing else.
    expect(next.windows.at(-1)).toMatchObject({ window: windowLabel(late), reason: 'scheduled', rows: 15 });
    expect(next.totals.rows).toBe(15);
    const lateFile = await readMessages(env, next.windows.at(-1)!.keys[0]!);
    expect(lateFile.every((m) => (m.timestamp as string).startsWith('2025-02-28T'))).toBe(true);
    // Once: the next run has nothing to send.
    expect((await env.s3bridge.exportTable({ destination: dest, asOf: hour(late + HOUR_MS) })).windows).toEqual([]);

    // A consumer lists the received-day folders, gunzips every file, parses every line: the warehouse's rows per received day.
    const { byDay, problems } = await readAsConsumer(env, 'consumer/segment-logs/events');
    expect(problems).toEqual([]);
    // (The seeded loads above were received in August 2025, before this stream's first run.)
    const warehouse = Object.fromEntries(Object.entries(await rowsByReceivedDay(env)).filter(([day]) => Number(day) >= dayOf(first)));
    expect(Object.fromEntries(Object.entries(byDay).map(([day, messages]) => [day, messages.length]))).toEqual(warehouse);
    const ids = Object.values(byDay).flat().map((m) => m.messageId);
    expect(ids).toHaveLength(55);
    expect(new Set(ids).size).toBe(55);
  });

  it('a day reloaded after a changed file is received again: sent again in its hour with the same message IDs (consumers de-duplicate by messageId)', async () => {
    const before = (await readAsConsumer(env, 'consumer/segment-logs/events')).byDay;
    const sentIds = new Set(Object.values(before).flat().map((m) => m.messageId as string));
    const lastExported = await receivedHourOf(env);
    await dayFile('2025-03-01', 41);
    expect((await importClicks()).days.map((d) => [d.day, d.status, d.rows])).toEqual([['2025-02-28', 'skipped', 0], ['2025-03-01', 'loaded', 41]]);
    await backdateRecentLoads(env, 1);
    const reloaded = await receivedHourOf(env);
    expect(reloaded).toBeGreaterThan(lastExported);
    const run = await env.s3bridge.exportTable({ destination: dest, asOf: hour(reloaded + HOUR_MS) });
    expect(run.totals.rows).toBe(41);
    const resent = await readMessages(env, run.windows.at(-1)!.keys[0]!);
    // 40 of the 41 were sent before, with these IDs; one is new.
    expect(resent.filter((m) => sentIds.has(m.messageId as string))).toHaveLength(40);
    const after = await readAsConsumer(env, 'consumer/segment-logs/events');
    expect(after.problems).toEqual([]);
    // What was sent stays sent: the earlier files are unchanged.
    for (const [day, messages] of Object.entries(before)) expect(after.byDay[day]!.slice(0, messages.length)).toEqual(messages);
    expect(new Set(Object.values(after.byDay).flat().map((m) => m.messageId)).size).toBe(56);
  });
});
