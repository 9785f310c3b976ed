import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, putTable } from '../support/objects';
import { discover, warehouse } from '../import/fixtures';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv('import-mapping');
  // Statsig-style day folders; a naive local time (Paris) and an ISO time with "Z" side by side.
  await putObject(env.s3, env.bucket, 'clicks/2025-02-01/part-0.csv', [
    'event,uid,device,ts,amount,page,referrer',
    'purchase,u1,d1,2025-02-01 09:30:00,12.5,/checkout,google',
    'page_view,u2,,2025-02-01T23:15:00Z,,/home,',
  ].join('\n'));
  await putObject(env.s3, env.bucket, 'clicks/2025-02-02/part-0.csv', [
    'event,uid,device,ts,amount,page,referrer',
    'signup,,d3,2025-02-02 00:10:00,,/join,ads',
  ].join('\n'));
  await putTable(env.s3, env.bucket, 'metrics/20250201/m.parquet',
    "SELECT * FROM (VALUES ('u1', 'revenue', 10.5), ('u2', 'revenue', 3.0), ('u1', 'sessions', 2)) t(unit, metric, val)");
  // Segment's S3 export read back: gzipped NDJSON under the received day's unix timestamp (ms).
  await putObject(env.s3, env.bucket, 'segment-logs/src1/1738540800000/part-0.gz', gzipSync([
    '{"type":"track","event":"Signed Up","userId":"u9","anonymousId":"a9","timestamp":"2025-02-03T10:00:00.000Z"}',
    '{"type":"track","event":"Order Completed","userId":null,"anonymousId":"a7","timestamp":"2025-02-03T11:30:00.000Z"}',
  ].join('\n')));
  await env.startWorker();
  await discover(env);
});
afterAll(async () => env?.close());

describe('importTable mapping', () => {
  it('maps events onto the canonical events table: name, ids, timestamp in its zone, value, unmapped columns as properties', async () => {
    const report = await env.s3bridge.importTable({
      connection: env.source(), table: 'clicks', days: 'all',
      mapping: {
        mode: 'events',
        events: {
          eventName: { column: 'event' }, userId: 'uid', unitIds: { stableID: 'device' },
          timestamp: { column: 'ts', timezone: 'Europe/Paris' }, value: 'amount',
        },
      },
    });
    expect(report.target).toBe('canonical.events');
    expect(report.days.map((d) => [d.day, d.status, d.rows])).toEqual([['2025-02-01', 'loaded', 2], ['2025-02-02', 'loaded', 1]]);
    const rows = await warehouse(env, `SELECT event_name, user_id, unit_ids::VARCHAR AS unit_ids, strftime("timestamp" AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS ts,
        "value", properties::VARCHAR AS properties, _table, _day::VARCHAR AS _day, _source_key FROM lineage.events ORDER BY "timestamp"`);
    expect(rows).toEqual([
      { event_name: 'purchase', user_id: 'u1', unit_ids: '{"stableID":"d1"}', ts: '2025-02-01T08:30:00Z', value: '12.5',
        properties: '{"page":"/checkout","referrer":"google"}', _table: 'clicks', _day: '2025-02-01', _source_key: 'clicks/2025-02-01/part-0.csv' },
      { event_name: 'signup', user_id: null, unit_ids: '{"stableID":"d3"}', ts: '2025-02-01T23:10:00Z', value: null,
        properties: '{"page":"/join","referrer":"ads"}', _table: 'clicks', _day: '2025-02-02', _source_key: 'clicks/2025-02-02/part-0.csv' },
      { event_name: 'page_view', user_id: 'u2', unit_ids: '{"stableID":null}', ts: '2025-02-01T23:15:00Z', value: null,
        properties: '{"page":"/home","referrer":null}', _table: 'clicks', _day: '2025-02-01', _source_key: 'clicks/2025-02-01/part-0.csv' },
    ]);
  });

  it('maps Segment\'s gzipped NDJSON logs (received-day folders) onto canonical events', async () => {
    const [table] = await warehouse<{ name: string; layout: string }>(env,
      "SELECT name, descriptor->>'layout' AS layout FROM s3bridge.discovered_tables WHERE descriptor->>'format' = 'ndjson.gz'");
    expect(table).toMatchObject({ layout: 'segment-logs' });
    const report = await env.s3bridge.importTable({
      connection: env.source(), table: table!.name,
      mapping: { mode: 'events', events: {
        eventName: { column: 'event' }, userId: 'userId', unitIds: { anonymousID: 'anonymousId' }, timestamp: { column: 'timestamp' }, properties: ['type'],
      } },
    });
    expect(report.days).toMatchObject([{ day: '2025-02-03', status: 'loaded', rows: 2 }]);
    expect(await warehouse(env, `SELECT event_name, user_id, unit_ids::VARCHAR AS ids, strftime("timestamp" AT TIME ZONE 'UTC', '%H:%M') AS t,
        properties::VARCHAR AS p FROM lineage.events WHERE _table = $t ORDER BY "timestamp"`, { t: table!.name })).toEqual([
      { event_name: 'Signed Up', user_id: 'u9', ids: '{"anonymousID":"a9"}', t: '10:00', p: '{"type":"track"}' },
      { event_name: 'Order Completed', user_id: null, ids: '{"anonymousID":"a7"}', t: '11:30', p: '{"type":"track"}' },
    ]);
  });

  it('maps a metrics dataset onto the canonical metrics table, dated by its day folder', async () => {
    const report = await env.s3bridge.importTable({
      connection: env.source(), table: 'metrics',
      mapping: { mode: 'metrics', metrics: { unitId: 'unit', metricName: { column: 'metric' }, value: 'val' } },
    });
    expect(report.days, JSON.stringify(report.days)).toMatchObject([{ day: '2025-02-01', status: 'loaded', rows: 3 }]);
    const rows = await warehouse(env, `SELECT unit_id, unit_type, "date"::VARCHAR AS date, metric_name, "value", _load_id IS NOT NULL AS has_load_id
      FROM lineage.metrics ORDER BY unit_id, metric_name`);
    expect(rows).toEqual([
      { unit_id: 'u1', unit_type: 'user_id', date: '2025-02-01', metric_name: 'revenue', value: 10.5, has_load_id: true },
      { unit_id: 'u1', unit_type: 'user_id', date: '2025-02-01', metric_name: 'sessions', value: 2, has_load_id: true },
      { unit_id: 'u2', unit_type: 'user_id', date: '2025-02-01', metric_name: 'revenue', value: 3, has_load_id: true },
    ]);
  });

  it('rejects a mapping naming a column the table does not have, before loading anything', async () => {
    const error = await env.s3bridge.importTable({
      connection: env.source(), table: 'metrics',
      mapping: { mode: 'metrics', metrics: { unitId: 'user', metricName: { constant: 'x' }, value: 'val' } },
    }).catch((e: unknown) => e as Error);
    expect((error as { cause?: { cause?: Error } }).cause?.cause?.message).toBe(
      'invalid metrics mapping: column "user" is not in table "metrics" (its columns: unit, metric, val, date)');
  });

  it('refuses a connection that is not Active, with the reason', async () => {
    const unvalidated = env.source({ name: `other-${env.id}` });
    const error = await env.s3bridge.importTable({ connection: unvalidated, table: 'metrics' }).catch((e: unknown) => e as Error);
    expect((error as { cause?: { cause?: Error } }).cause?.cause?.message).toBe(
      `connection "other-${env.id}" has not been validated: run \`s3bridge connections validate other-${env.id}\``);
  });
});
