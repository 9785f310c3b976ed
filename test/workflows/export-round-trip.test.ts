import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { discover, warehouse } from '../import/fixtures';
import { activeDestination, destination, hourOfEvents, seedEvents } from '../export/fixtures';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv('export-rt');
  await env.startWorker();
  // Two loads, received on two days: two received-day folders.
  await seedEvents(env, [
    ...hourOfEvents('2025-11-01T22:00:00Z', 30),
    { event: 'Quoted "name"', userId: 'ü-1', ts: '2025-11-01T22:30:00.5Z', properties: { nested: { a: [1, 2, null] }, text: 'line\nbreak' } },
  ], 'load-rt-1', '2025-11-02T00:10:00Z');
  await seedEvents(env, hourOfEvents('2025-11-02T01:00:00Z', 10, 100), 'load-rt-2', '2025-11-03T00:20:00Z');
});
afterAll(async () => env?.close());

describe('export round trip', () => {
  it('s3bridge\'s own discovery and import read an export back to exactly the source events', async () => {
    const dest = await activeDestination(env, destination(env, { prefix: 'rt' }));
    // The hours from the first load to the second (24 windows), each load's rows in its received day's folder.
    const exported = await env.s3bridge.exportTable({ destination: dest.name, windows: { from: '2025-11-02T00', to: '2025-11-03T01' } });
    expect(exported.totals).toMatchObject({ windows: 25, rows: 41, files: 2 });

    // The same bucket and prefix as a source: discovery finds Segment's layout, one table per source id.
    await discover({ ...env, source: (o = {}) => env.source({ prefix: 'rt', ...o }) });
    const [table] = await warehouse<{ name: string; layout: string; format: string }>(env,
      "SELECT name, descriptor->>'layout' AS layout, descriptor->>'format' AS format FROM s3bridge.discovered_tables");
    expect(table).toEqual({ name: 'events', layout: 'segment-logs', format: 'ndjson.gz' });
    const imported = await env.s3bridge.importTable({ connection: env.source({ prefix: 'rt' }), table: 'events', days: 'all' });
    expect(imported.days.map((d) => [d.day, d.status, d.rows])).toEqual([['2025-11-02', 'loaded', 31], ['2025-11-03', 'loaded', 10]]);

    const back = await warehouse<Record<string, string | null>>(env,
      `SELECT "type", event, "userId", "anonymousId", properties, "timestamp", "receivedAt", "messageId" FROM raw."${env.source().name}__events"`);
    const source = await warehouse<Record<string, string | null>>(env,
      `SELECT event_name AS event, user_id AS "userId", unit_ids->>'anonymousID' AS "anonymousId", properties::VARCHAR AS properties,
         strftime("timestamp" AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS "timestamp" FROM lineage.events WHERE _connection = 'seed'`);
    const normalize = (rows: Record<string, string | null>[]) => rows
      .map((r) => JSON.stringify([r.event, r.userId ?? null, r.anonymousId ?? null, JSON.parse(r.properties!), r.timestamp]))
      .sort();
    expect(normalize(back)).toEqual(normalize(source));
    expect(new Set(back.map((r) => r.messageId)).size).toBe(41);
    expect(new Set(back.map((r) => `${r.type}|${r.receivedAt}`))).toEqual(new Set(['track|2025-11-02T00:10:00.000Z', 'track|2025-11-03T00:20:00.000Z']));
  });
});
