import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { warehouse } from '../import/fixtures';
import { activeDestination, bucketKeys, destination, hourOfEvents, readMessages, seedEvents } from '../export/fixtures';
import { queryExportProgress } from '../../src/client/run-control';

let env: TestEnv;
const DAY_MS = Date.parse('2025-06-01T00:00:00Z');
const RECEIVED_DAY_MS = Date.parse('2025-06-02T00:00:00Z');

beforeAll(async () => {
  env = await createTestEnv('export-table');
  await env.startWorker();
  await seedEvents(env, [
    { event: 'Signed Up', userId: 'u1', anonymousId: 'a1', ts: '2025-06-01T10:15:00.123Z', properties: { plan: 'pro', seats: 3 }, value: '9.5' },
    { event: 'Page Viewed', userId: null, anonymousId: 'a2', ts: '2025-06-01T10:45:00Z', properties: { page: '/home' } },
    // Two identical rows of one source file: two messages, two IDs.
    { event: 'Page Viewed', userId: null, anonymousId: 'a2', ts: '2025-06-01T10:45:00Z', properties: { page: '/home' } },
    { event: 'Order Completed', userId: 'u3', ts: '2025-06-01T11:59:59.999Z' },
    { event: 'Outside', userId: 'u4', ts: '2025-06-01T12:00:00Z' },
  ], 'load-1', '2025-06-02T03:00:00Z');
});
afterAll(async () => env?.close());

describe('exportTable: canonical.events as Segment logs', () => {
  it('writes gzipped NDJSON Segment messages under exactly the documented keys, with gzip and SSE metadata, filed by the day they were received', async () => {
    const dest = await activeDestination(env, destination(env, { prefix: 'path/prefix' }));
    // Events of 2025-06-01, received (loaded) at 2025-06-02T03:00: one window, the received day's folder.
    const report = await env.s3bridge.exportTable({ destination: dest.name, sourceId: 'web', windows: { from: '2025-06-02T03', to: '2025-06-02T04' } });
    expect(report).toMatchObject({ status: 'exported', totals: { windows: 1, failed: 0, rows: 5, files: 1 } });
    const key = `path/prefix/segment-logs/web/${RECEIVED_DAY_MS}/s3bridge-20250602T03-0000.gz`;
    expect(await bucketKeys(env, env.bucket, 'path/')).toEqual([key]);
    const head = await env.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: key }));
    expect({ encoding: head.ContentEncoding, type: head.ContentType, sse: head.ServerSideEncryption }).toEqual({ encoding: 'gzip', type: 'text/plain', sse: 'AES256' });
    const messages = await readMessages(env, key);
    expect(messages).toHaveLength(5);
    expect(messages[0]).toEqual({
      type: 'track', event: 'Signed Up', userId: 'u1', anonymousId: 'a1', properties: { plan: 'pro', seats: 3 },
      context: { s3bridge: { unitIds: { anonymousID: 'a1' }, value: '9.5', connection: 'seed', table: 'clicks', sourceKey: 'clicks/part-0.csv' } },
      // The MD5 of ["seed","clicks","clicks/part-0.csv","Signed Up","u1",{"anonymousID":"a1"},1748772900123000,"9.5",{"plan":"pro","seats":3}]:
      // pinned, so that a change to how lineage is stored keeps every row's ID.
      timestamp: '2025-06-01T10:15:00.123Z', receivedAt: '2025-06-02T03:00:00.000Z', messageId: 'adc208399ba260a0a45e2e7cf47215dd',
    });
    // Every message was received on its folder's day.
    expect(messages.every((m) => Math.floor(Date.parse(m.receivedAt as string) / 86_400_000) * 86_400_000 === RECEIVED_DAY_MS)).toBe(true);
    // No userId when the warehouse has none; identical source rows keep distinct, stable IDs.
    expect(messages[1]).not.toHaveProperty('userId');
    const ids = messages.map((m) => m.messageId as string);
    expect(new Set(ids).size).toBe(5);
    expect(ids[2]).toBe(`${ids[1]!.split('-')[0]}-2`);
  });

  it('with clock "event", files the same rows by their own hour and day, under a stream of their own', async () => {
    const dest = await activeDestination(env, destination(env, { name: `event-${env.id}`, prefix: 'by-event' }));
    const report = await env.s3bridge.exportTable({ destination: dest.name, sourceId: 'web', clock: 'event', windows: { from: '2025-06-01T10', to: '2025-06-01T12' } });
    expect(report).toMatchObject({ status: 'exported', totals: { windows: 2, failed: 0, rows: 4, files: 2 } });
    expect(await bucketKeys(env, env.bucket, 'by-event/')).toEqual([
      `by-event/segment-logs/web/${DAY_MS}/s3bridge-20250601T10-0000.gz`,
      `by-event/segment-logs/web/${DAY_MS}/s3bridge-20250601T11-0000.gz`,
    ]);
    const messages = await readMessages(env, `by-event/segment-logs/web/${DAY_MS}/s3bridge-20250601T10-0000.gz`);
    // The same message IDs as by received time: a message's identity does not depend on the clock.
    const received = await readMessages(env, `path/prefix/segment-logs/web/${RECEIVED_DAY_MS}/s3bridge-20250602T03-0000.gz`);
    expect(messages.map((m) => m.messageId)).toEqual(received.slice(0, 3).map((m) => m.messageId));
    // receivedAt is still the load's time: by event time, folders and receivedAt disagree (why received time is the default).
    expect(new Set(messages.map((m) => m.receivedAt))).toEqual(new Set(['2025-06-02T03:00:00.000Z']));
  });

  it('omits a timestamp the row lacks (an empty string is no ISO time), as it omits every other field', async () => {
    const dest = await activeDestination(env, destination(env, { name: `nots-${env.id}`, prefix: 'nots' }));
    // A hand-written row without a time (imports reject those: "missing timestamp"), received with a load.
    await seedEvents(env, [{ event: 'Timed', userId: 'u7', ts: '2025-06-04T09:00:00Z' }], 'load-nots', '2025-06-04T09:30:00Z');
    await env.withWarehouse((db) => db.run("UPDATE canonical.events SET \"timestamp\" = NULL WHERE event_name = 'Timed'"));
    const report = await env.s3bridge.exportTable({ destination: dest.name, windows: { from: '2025-06-04T09', to: '2025-06-04T10' } });
    expect(report.totals.rows).toBe(1);
    const [message] = await readMessages(env, report.windows[0]!.keys[0]!);
    expect(message).not.toHaveProperty('timestamp');
    expect(message).toMatchObject({ type: 'track', event: 'Timed', userId: 'u7', receivedAt: '2025-06-04T09:30:00.000Z' });
  });

  it('re-running a window writes the same keys and content and leaves no extra object; a smaller window removes stale batches', async () => {
    const dest = await activeDestination(env, destination(env, { name: `batches-${env.id}`, prefix: 'batches' }));
    await seedEvents(env, hourOfEvents('2025-06-03T05:00:00Z', 600), 'load-2');
    const range = { from: '2025-06-03T05', to: '2025-06-03T06' };
    const first = await env.s3bridge.exportTable({ destination: dest.name, windows: range, maxFileBytes: 40_000 });
    expect(first.totals.rows).toBe(600);
    expect(first.totals.files).toBeGreaterThanOrEqual(3);
    const keysBefore = await bucketKeys(env, env.bucket, 'batches/');
    expect(keysBefore).toEqual(first.windows[0]!.keys);
    const ledgerBefore = await warehouse<{ checksum: string }>(env, "SELECT checksum FROM s3bridge.export_ledger WHERE export_key LIKE 'batches-%'");

    const again = await env.s3bridge.exportTable({ destination: dest.name, windows: range, maxFileBytes: 40_000 });
    expect(again.windows[0]!.keys).toEqual(first.windows[0]!.keys);
    expect(await bucketKeys(env, env.bucket, 'batches/')).toEqual(keysBefore);
    expect(await warehouse(env, "SELECT checksum FROM s3bridge.export_ledger WHERE export_key LIKE 'batches-%'")).toEqual(ledgerBefore);

    const bigger = await env.s3bridge.exportTable({ destination: dest.name, windows: range, maxFileBytes: 1_000_000 });
    expect(bigger.windows[0]).toMatchObject({ files: 1, rows: 600, removedKeys: keysBefore.length - 1 });
    expect(await bucketKeys(env, env.bucket, 'batches/')).toEqual([keysBefore[0]]);
    expect((await readMessages(env, keysBefore[0]!)).map((m) => (m.properties as { n: number }).n).sort((a, b) => a - b))
      .toEqual(Array.from({ length: 600 }, (_, i) => i));
  });

  it('a long backfill continues as new every windowsPerRun windows: every window once, totals over all runs, progress by query', async () => {
    const dest = await activeDestination(env, destination(env, { name: `long-${env.id}`, prefix: 'long' }));
    for (const h of [0, 1, 2, 3, 4]) await seedEvents(env, hourOfEvents(`2025-06-05T0${h}:00:00Z`, 3 + h, h * 10), `load-long-${h}`);
    const handle = await env.s3bridge.startExport({ destination: dest.name, windows: { from: '2025-06-05T00', to: '2025-06-05T05' }, windowsPerRun: 2 });
    const report = await handle.result();
    // 5 windows, 2 per run: the last run exported the fifth; the first two runs are counted in `earlier`.
    expect(report).toMatchObject({ status: 'exported', totals: { windows: 5, failed: 0, rows: 3 + 4 + 5 + 6 + 7, files: 5 } });
    expect(report.earlier).toMatchObject({ runs: 2, windows: 4, rows: 3 + 4 + 5 + 6, files: 4 });
    expect(report.windows.map((w) => w.window)).toEqual(['2025-06-05T04:00:00.000Z']);
    const day = Date.parse('2025-06-05T00:00:00Z');
    expect(await bucketKeys(env, env.bucket, 'long/')).toEqual([0, 1, 2, 3, 4].map((h) => `long/segment-logs/events/${day}/s3bridge-20250605T0${h}-0000.gz`));
    // Three runs of one workflow ID, chained by continue-as-new, each with a small history.
    const runs: string[] = [];
    for await (const run of env.temporal.workflow.list({ query: `WorkflowId = "${handle.workflowId}"` })) runs.push(run.status.name);
    expect(runs.sort()).toEqual(['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']);
    // The finished run still answers its progress query: every window, over all runs.
    expect(await queryExportProgress(handle)).toMatchObject({ phase: 'done', windowsPlanned: 5, windowsDone: 5, failed: 0, rows: 25 });
  });
});
