import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { warehouse } from '../import/fixtures';
import { activeDestination, bucketKeys, destination, hourOfEvents, readMessages, recordLoad, recordSourceFile, seedEvents } from '../export/fixtures';
import { fileIdSql } from '../../src/warehouse/source-files';
import { setDestinationStates } from '../../src/catalog/destination-store';

let env: TestEnv;
const H = (hour: number) => `2025-08-01T${String(hour).padStart(2, '0')}:00:00Z`;

beforeAll(async () => {
  env = await createTestEnv('export-sched');
  await env.startWorker();
});
afterAll(async () => env?.close());

async function allMessageIds(prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (const key of await bucketKeys(env, env.bucket, prefix)) ids.push(...(await readMessages(env, key)).map((m) => m.messageId as string));
  return ids;
}

describe('scheduled exports by event time', () => {
  it('exports the window that just closed, then missed windows in order, and late rows with the next run of their window, never twice', async () => {
    const dest = await activeDestination(env, destination(env, { name: `sched-${env.id}`, prefix: 'sched' }));
    await seedEvents(env, hourOfEvents(H(9), 20), 'load-a');
    // The :40 run of 10:40 exports 09:00-10:00.
    const first = await env.s3bridge.exportTable({ destination: dest.name, clock: 'event', asOf: '2025-08-01T10' });
    expect(first.windows.map((w) => [w.window, w.reason, w.rows])).toEqual([['2025-08-01T09:00:00.000Z', 'scheduled', 20]]);

    // Downtime: no run for three hours. Meanwhile 10:00 and 12:00 get rows, and 09:00 gets 5 late rows.
    await seedEvents(env, hourOfEvents(H(10), 7, 100), 'load-b');
    await seedEvents(env, hourOfEvents(H(12), 3, 200), 'load-c');
    await seedEvents(env, hourOfEvents(H(9), 5, 300), 'load-late');
    const next = await env.s3bridge.exportTable({ destination: dest.name, clock: 'event', asOf: '2025-08-01T13' });
    expect(next.windows.map((w) => [w.window, w.reason, w.rows])).toEqual([
      ['2025-08-01T09:00:00.000Z', 'late rows', 25],
      ['2025-08-01T10:00:00.000Z', 'missed', 7],
      ['2025-08-01T11:00:00.000Z', 'missed', 0],
      ['2025-08-01T12:00:00.000Z', 'scheduled', 3],
    ]);
    const ids = await allMessageIds('sched/');
    expect(ids).toHaveLength(35);
    expect(new Set(ids).size).toBe(35);

    // Nothing changed: a run in the same hour exports nothing.
    const idle = await env.s3bridge.exportTable({ destination: dest.name, clock: 'event', asOf: '2025-08-01T13' });
    expect(idle.windows).toEqual([]);
    const ledger = await warehouse<{ w: string; rows: number }>(env,
      "SELECT strftime(make_timestamp(window_start * 1000), '%H') AS w, row_count AS rows FROM s3bridge.export_ledger WHERE export_key LIKE 'sched-%' ORDER BY 1");
    expect(ledger).toEqual([{ w: '09', rows: 25 }, { w: '10', rows: 7 }, { w: '11', rows: 0 }, { w: '12', rows: 3 }]);
  });

  it('skips a scheduled run while the destination is disabled in the catalog', async () => {
    const dest = await activeDestination(env, destination(env, { name: `off-${env.id}`, prefix: 'off' }));
    await env.withWarehouse((db) => setDestinationStates(db, [{ name: dest.name, enabled: false, reason: 'test' }]));
    const report = await env.s3bridge.exportTable({ destination: dest.name, asOf: '2025-08-01T10' });
    expect(report).toMatchObject({ status: 'skipped', note: `destination "${dest.name}" is disabled (test)`, windows: [] });
    expect(await bucketKeys(env, env.bucket, 'off/')).toEqual([]);
  });

  it('creates an hourly Temporal Schedule at minute :40 that runs the scheduled export', async () => {
    const dest = destination(env, { name: `sched-${env.id}`, prefix: 'sched' });
    const scheduleId = await env.s3bridge.scheduleExport({ export: { destination: dest.name } });
    expect(scheduleId).toBe(`${env.workflowIdPrefix}export-${dest.name}-events`);
    const described = await env.temporal.schedule.getHandle(scheduleId).describe();
    expect(described.spec.intervals).toEqual([{ every: 3_600_000, offset: 2_400_000 }]);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'exportTable', args: [{ destination: dest.name, windows: 'scheduled' }] });
    await env.temporal.schedule.getHandle(scheduleId).delete();
  });
});

describe('other tables and formats', () => {
  it('exports a raw table as one JSON object per row (its lineage, received time and message ID after its columns), and Parquet under dataset/day folders', async () => {
    await env.withWarehouse(async (db) => {
      await db.run('CREATE SCHEMA IF NOT EXISTS raw');
      // As an import writes a raw table: the source's columns, then the lineage columns.
      await db.run(`CREATE TABLE raw."shop__orders" AS SELECT r AS id, 'sku-' || r AS sku, TIMESTAMP '2025-08-02 06:00:00' + INTERVAL (r * 7) MINUTE AS ordered_at,
        DATE '2025-08-02' AS _day, ${fileIdSql("'orders-load'", "'orders/2025-08-02/part-0.csv'", "'raw.shop__orders'")} AS _file_id FROM range(12) t(r)`);
      await recordSourceFile(db, { loadId: 'orders-load', sourceKey: 'orders/2025-08-02/part-0.csv', connection: 'shop', table: 'orders', target: 'raw.shop__orders' });
    });
    await recordLoad(env, 'orders-load', '2025-08-03T01:02:03.456Z', 12, 'raw.shop__orders');
    const dest = await activeDestination(env, destination(env, { name: `raw-${env.id}`, prefix: 'raw' }));
    const report = await env.s3bridge.exportTable({ destination: dest.name, table: 'raw.shop__orders', timeColumn: 'ordered_at', sourceId: 'orders', windows: { from: '2025-08-02T06', to: '2025-08-02T08' } });
    expect(report.windows.map((w) => w.rows)).toEqual([9, 3]);
    const day = Date.parse('2025-08-02T00:00:00Z');
    const [first] = await readMessages(env, `raw/segment-logs/orders/${day}/s3bridge-20250802T06-0000.gz`);
    expect(first).toEqual({
      id: 0, sku: 'sku-0', ordered_at: '2025-08-02 06:00:00', _connection: 'shop', _table: 'orders', _day: '2025-08-02',
      _source_key: 'orders/2025-08-02/part-0.csv', _received_at: '2025-08-03T01:02:03.456Z', _message_id: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
    });

    // By received time (the default) a raw table needs no time column: the 12 rows were received at 01:02.
    const received = await env.s3bridge.exportTable({ destination: dest.name, table: 'raw.shop__orders', sourceId: 'orders-received', windows: { from: '2025-08-03T01', to: '2025-08-03T02' } });
    expect(received.totals).toMatchObject({ rows: 12, files: 1 });
    const byReceipt = await readMessages(env, `raw/segment-logs/orders-received/${Date.parse('2025-08-03T00:00:00Z')}/s3bridge-20250803T01-0000.gz`);
    expect(byReceipt.map((m) => m._message_id).sort()).toEqual(
      (await Promise.all(['06', '07'].map((h) => readMessages(env, `raw/segment-logs/orders/${day}/s3bridge-20250802T${h}-0000.gz`)))).flat().map((m) => m._message_id).sort());

    const parquet = await env.s3bridge.exportTable({ destination: dest.name, table: 'raw.shop__orders', timeColumn: 'ordered_at', sourceId: 'orders', format: 'parquet', windows: { from: '2025-08-02T06', to: '2025-08-02T08' } });
    expect(parquet.totals).toMatchObject({ rows: 12, files: 2 });
    expect(await bucketKeys(env, env.bucket, 'raw/orders/')).toEqual([
      'raw/orders/2025-08-02/s3bridge-20250802T06-0000.parquet', 'raw/orders/2025-08-02/s3bridge-20250802T07-0000.parquet',
    ]);
  });
});
