import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { innermostFailure } from '../support/workflow-failure';
import { warehouse } from '../import/fixtures';
import { activeDestination, createRawTable, destination, readMessages, seedEvents } from '../export/fixtures';
import { EXPORT_PATH_CLAIMED } from '../../src/workflow-safe/failure-types';
import { quoteLiteral } from '../../src/duckdb/sql';
import { setDestinationStates } from '../../src/catalog/destination-store';

let env: TestEnv;
const RECEIVED = '2025-04-02T05:30:00Z';
const RANGE = { from: '2025-04-02T05', to: '2025-04-02T06' };
const DAY = Date.parse('2025-04-02T00:00:00Z');

beforeAll(async () => {
  env = await createTestEnv('export-streams');
  await env.startWorker();
  await createRawTable(env, 'orders', "SELECT r AS id, 'o' || r AS ref, TIMESTAMP '2025-04-01 10:00:00' + INTERVAL (r) MINUTE AS placed_at FROM range(30) t(r)", 'load-orders', RECEIVED);
  await createRawTable(env, 'refunds', "SELECT r AS id, TIMESTAMP '2025-04-01 11:00:00' AS placed_at FROM range(5) t(r)", 'load-refunds', RECEIVED);
  // Identical rows: two (A) and a (B), as a source file can hold them.
  await createRawTable(env, 'dups', "SELECT * FROM (VALUES (1, 'A', TIMESTAMP '2025-04-01 12:00:00'), (1, 'A', TIMESTAMP '2025-04-01 12:00:00'), (2, 'B', TIMESTAMP '2025-04-01 12:00:00')) t(id, v, placed_at)", 'load-dups', RECEIVED);
});
afterAll(async () => env?.close());

/** Rows of an exported Parquet object, read locally by DuckDB. */
async function parquetRows(key: string, columns: string): Promise<Record<string, unknown>[]> {
  const object = await env.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: key }));
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'export-streams-')), 'part.parquet');
  writeFileSync(file, await object.Body!.transformToByteArray());
  const instance = await DuckDBInstance.create(':memory:');
  try {
    return (await (await instance.connect()).runAndReadAll(`SELECT ${columns} FROM read_parquet(${quoteLiteral(file)})`)).getRowObjectsJS();
  } finally {
    instance.closeSync();
    rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** Every object under `prefix` with its ETag. */
async function objects(prefix: string): Promise<Record<string, string>> {
  const page = await env.s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: prefix }));
  return Object.fromEntries((page.Contents ?? []).map((o) => [o.Key!, o.ETag!]));
}

describe('one stream per folder', () => {
  it('refuses a second table in a folder, naming the stream that owns it; the owner\'s files and ledger stay as they were', async () => {
    const dest = await activeDestination(env, destination(env, { name: `shop-${env.id}`, prefix: 'shop' }));
    const first = await env.s3bridge.exportTable({ destination: dest.name, table: 'raw.orders', sourceId: 'web', windows: RANGE });
    expect(first.totals).toMatchObject({ rows: 30, files: 1 });
    const before = { objects: await objects('shop/'), ledger: await warehouse(env, 'SELECT export_key, window_start, checksum FROM s3bridge.export_ledger ORDER BY 1, 2') };

    const failure = await innermostFailure(env.s3bridge.exportTable({ destination: dest.name, table: 'raw.refunds', sourceId: 'web', windows: RANGE }));
    expect(failure.type).toBe(EXPORT_PATH_CLAIMED);
    expect(failure.message).toMatch(new RegExp(`^refused: s3://${env.bucket}/shop/segment-logs/web at http://127\\.0\\.0\\.1:9000 holds the export of raw\\.orders by received time, `
      + `claimed by destination "${dest.name}" on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}; one folder holds one stream: export raw\\.refunds under another sourceId \\(or destination prefix\\)$`));
    // The same table by event time would replace the received-time windows' files: refused too.
    const byEvent = await innermostFailure(env.s3bridge.exportTable({ destination: dest.name, table: 'raw.orders', sourceId: 'web', timeColumn: 'placed_at', windows: RANGE }));
    expect(byEvent.message).toMatch(/holds the export of raw\.orders by received time, .*; one folder keeps one clock: export raw\.orders by received time here, or under another sourceId$/);
    expect(await objects('shop/')).toEqual(before.objects);
    expect(await warehouse(env, 'SELECT export_key, window_start, checksum FROM s3bridge.export_ledger ORDER BY 1, 2')).toEqual(before.ledger);

    // Under another source ID the second table has a folder of its own; another connection to the same place (keys to a role) is the same stream.
    expect((await env.s3bridge.exportTable({ destination: dest.name, table: 'raw.refunds', sourceId: 'refunds', windows: RANGE })).totals.rows).toBe(5);
    const samePlace = await activeDestination(env, destination(env, { name: `role-${env.id}`, prefix: 'shop' }));
    expect((await env.s3bridge.exportTable({ destination: samePlace.name, table: 'raw.orders', sourceId: 'web', windows: RANGE })).totals.rows).toBe(30);
    const claims = await warehouse<{ location: string; table_name: string; clock: string; purpose: string }>(env,
      'SELECT location, table_name, clock, purpose FROM s3bridge.export_streams ORDER BY location');
    expect(claims).toEqual([
      { location: `s3://${env.bucket}/shop/segment-logs/refunds at http://127.0.0.1:9000`, table_name: 'raw.refunds', clock: 'received', purpose: 'stream' },
      { location: `s3://${env.bucket}/shop/segment-logs/web at http://127.0.0.1:9000`, table_name: 'raw.orders', clock: 'received', purpose: 'stream' },
    ]);
  });

  it('an endpoint spelled another way (a trailing slash) is the same place: another table there is refused, and so are both destinations enabled', async () => {
    const owner = await activeDestination(env, destination(env, { name: `spelled-${env.id}`, prefix: 'spelled' }));
    expect((await env.s3bridge.exportTable({ destination: owner.name, table: 'raw.orders', sourceId: 'web', windows: RANGE })).totals.rows).toBe(30);
    const before = await objects('spelled/');
    const slash = await activeDestination(env, destination(env, { name: `spelled-slash-${env.id}`, prefix: 'spelled', endpoint: 'http://127.0.0.1:9000/' }));
    const failure = await innermostFailure(env.s3bridge.exportTable({ destination: slash.name, table: 'raw.refunds', sourceId: 'web', windows: RANGE }));
    expect(failure.type).toBe(EXPORT_PATH_CLAIMED);
    expect(failure.message).toMatch(new RegExp(`^refused: s3://${env.bucket}/spelled/segment-logs/web at http://127\\.0\\.0\\.1:9000 holds the export of raw\\.orders by received time, `
      + `claimed by destination "${owner.name}" on .*; one folder holds one stream: export raw\\.refunds under another sourceId \\(or destination prefix\\)$`));
    expect(await objects('spelled/')).toEqual(before);
    // Both enabled (neither has a state: enabled by default) writing one place: enabling one explicitly is refused.
    const error = await env.withWarehouse((db) => setDestinationStates(db, [{ name: slash.name, enabled: true, reason: 'test' }])).catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe(`destinations "${owner.name}" and "${slash.name}" would both be enabled writing s3://${env.bucket}/spelled at http://127.0.0.1:9000: their files would overwrite each other; disable one first`);
  });
  it('refuses another format in a stream\'s folder (Parquet day folders among Segment\'s received-day ones), even of the same table by the same clock', async () => {
    const EVENT_RANGE = { from: '2025-04-01T10', to: '2025-04-01T11' };
    const segment = await activeDestination(env, destination(env, { name: `mixed-${env.id}`, prefix: 'mixed' }));
    expect((await env.s3bridge.exportTable({ destination: segment.name, table: 'raw.orders', sourceId: 'web', timeColumn: 'placed_at', windows: EVENT_RANGE })).totals.rows).toBe(30);
    const before = await objects('mixed/');
    // A Parquet dataset "web" under prefix mixed/segment-logs is the same folder: mixed/segment-logs/web.
    const parquet = await activeDestination(env, destination(env, { name: `mixed-pq-${env.id}`, prefix: 'mixed/segment-logs' }));
    const failure = await innermostFailure(env.s3bridge.exportTable({ destination: parquet.name, table: 'raw.orders', format: 'parquet', sourceId: 'web', timeColumn: 'placed_at', windows: EVENT_RANGE }));
    expect(failure.type).toBe(EXPORT_PATH_CLAIMED);
    expect(failure.message).toMatch(new RegExp(`^refused: s3://${env.bucket}/mixed/segment-logs/web at http://127\\.0\\.0\\.1:9000 holds the export of raw\\.orders by event time \\(placed_at\\), `
      + `claimed by destination "${segment.name}" on .*; one folder holds one format: export raw\\.orders as segment here, or as parquet under another sourceId \\(or destination prefix\\)$`));
    expect(await objects('mixed/')).toEqual(before);
  });
});

describe('identical rows', () => {
  it('keep distinct, stable message IDs in NDJSON and Parquet (an ordinal among them)', async () => {
    const dest = await activeDestination(env, destination(env, { name: `dups-${env.id}`, prefix: 'dups' }));
    await env.s3bridge.exportTable({ destination: dest.name, table: 'raw.dups', windows: RANGE });
    const lines = await readMessages(env, `dups/segment-logs/dups/${DAY}/s3bridge-20250402T05-0000.gz`);
    const ids = lines.map((l) => l._message_id as string);
    expect(lines.map((l) => [l.id, l.v])).toEqual(expect.arrayContaining([[1, 'A'], [1, 'A'], [2, 'B']]) as unknown);
    expect(new Set(ids).size).toBe(3);
    const a = lines.filter((l) => l.v === 'A').map((l) => l._message_id as string).sort();
    expect(a[1]).toBe(`${a[0]}-2`);
    // Again: the same IDs.
    await env.s3bridge.exportTable({ destination: dest.name, table: 'raw.dups', windows: RANGE });
    expect((await readMessages(env, `dups/segment-logs/dups/${DAY}/s3bridge-20250402T05-0000.gz`)).map((l) => l._message_id)).toEqual(ids);

    const parquet = await env.s3bridge.exportTable({ destination: dest.name, table: 'raw.dups', format: 'parquet', timeColumn: 'placed_at', windows: { from: '2025-04-01T12', to: '2025-04-01T13' } });
    expect(parquet.totals.rows).toBe(3);
    // The same three IDs in the Parquet file's rows.
    expect((await parquetRows(parquet.windows[0]!.keys[0]!, `"row"->>'_message_id' AS id`)).map((r) => r.id).sort()).toEqual([...ids].sort());
  });

  it('identical events keep the same distinct IDs as Segment messages and as Parquet rows', async () => {
    const tap = { event: 'Tap', userId: 'u1', ts: '2025-04-05T07:00:00Z' };
    await seedEvents(env, [tap, tap], 'load-taps', '2025-04-05T07:10:00Z');
    const dest = await activeDestination(env, destination(env, { name: `taps-${env.id}`, prefix: 'taps' }));
    const segment = await env.s3bridge.exportTable({ destination: dest.name, sourceId: 'taps', windows: { from: '2025-04-05T07', to: '2025-04-05T08' } });
    const ids = (await readMessages(env, segment.windows[0]!.keys[0]!)).map((m) => m.messageId as string).sort();
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(`${ids[0]}-2`);
    const parquet = await env.s3bridge.exportTable({ destination: dest.name, format: 'parquet', sourceId: 'taps-pq', windows: { from: '2025-04-05T07', to: '2025-04-05T08' } });
    expect((await parquetRows(parquet.windows[0]!.keys[0]!, '"messageId" AS id')).map((r) => r.id).sort()).toEqual(ids);
  });

  it('a change from (A, A) to (B, B) is seen by the fingerprint (a sum: identical rows do not cancel), so the window goes out again', async () => {
    await createRawTable(env, 'pairs', "SELECT * FROM (VALUES ('A', TIMESTAMP '2025-04-03 08:10:00'), ('A', TIMESTAMP '2025-04-03 08:10:00')) t(v, placed_at)", 'load-pairs', '2025-04-03T09:00:00Z');
    const dest = await activeDestination(env, destination(env, { name: `pairs-${env.id}`, prefix: 'pairs' }));
    const first = await env.s3bridge.exportTable({ destination: dest.name, table: 'raw.pairs', timeColumn: 'placed_at', asOf: '2025-04-03T09' });
    expect(first.windows.map((w) => [w.reason, w.rows])).toEqual([['scheduled', 2]]);
    await env.withWarehouse((db) => db.run("UPDATE raw.pairs SET v = 'B'"));
    const next = await env.s3bridge.exportTable({ destination: dest.name, table: 'raw.pairs', timeColumn: 'placed_at', asOf: '2025-04-03T10' });
    expect(next.windows.map((w) => [w.window, w.reason, w.rows])).toEqual([['2025-04-03T08:00:00.000Z', 'late rows', 2], ['2025-04-03T09:00:00.000Z', 'scheduled', 0]]);
    const lines = await readMessages(env, next.windows[0]!.keys[0]!);
    expect(lines.map((l) => l.v)).toEqual(['B', 'B']);
  });

  it('are not duplicates to a migration\'s verification: a table with identical rows migrates', async () => {
    const old = await activeDestination(env, destination(env, { name: `dups-old-${env.id}`, prefix: 'dups-old' }));
    const fresh = destination(env, { name: `dups-new-${env.id}`, prefix: 'dups-new' });
    await activeDestination(env, fresh);
    const report = await env.s3bridge.migrateDestination({ from: old.name, to: fresh.name, windows: RANGE, overlap: '1 second', export: { table: 'raw.dups', sourceId: 'dups' } });
    expect(report.status, report.reason).toBe('completed');
    expect(report.findings).toContain('verify-test: 1 window(s), 3 row(s) read back, exactly the warehouse\'s');
  });
});
