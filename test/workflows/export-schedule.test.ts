import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { warehouse } from '../import/fixtures';
import { activeDestination, bucketKeys, destination, hourOfEvents, readMessages, seedEvents } from '../export/fixtures';
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

describe('scheduled exports', () => {
  it('exports the window that just closed, then missed windows in order, and late rows with the next run of their window, never twice', async () => {
    const dest = await activeDestination(env, destination(env, { name: `sched-${env.id}`, prefix: 'sched' }));
    await seedEvents(env, hourOfEvents(H(9), 20), 'load-a');
    // The :40 run of 10:40 exports 09:00-10:00.
    const first = await env.s3bridge.exportTable({ destination: dest.name, asOf: '2025-08-01T10' });
    expect(first.windows.map((w) => [w.window, w.reason, w.rows])).toEqual([['2025-08-01T09:00:00.000Z', 'scheduled', 20]]);

    // Downtime: no run for three hours. Meanwhile 10:00 and 12:00 get rows, and 09:00 gets 5 late rows.
    await seedEvents(env, hourOfEvents(H(10), 7, 100), 'load-b');
    await seedEvents(env, hourOfEvents(H(12), 3, 200), 'load-c');
    await seedEvents(env, hourOfEvents(H(9), 5, 300), 'load-late');
    const next = await env.s3bridge.exportTable({ destination: dest.name, asOf: '2025-08-01T13' });
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
    const idle = await env.s3bridge.exportTable({ destination: dest.name, asOf: '2025-08-01T13' });
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
  it('exports a raw table as one JSON object per row, and Parquet under dataset/day folders', async () => {
    await env.withWarehouse(async (db) => {
      await db.run('CREATE SCHEMA IF NOT EXISTS raw');
      await db.run(`CREATE TABLE raw."shop__orders" AS SELECT r AS id, 'sku-' || r AS sku, TIMESTAMP '2025-08-02 06:00:00' + INTERVAL (r * 7) MINUTE AS ordered_at,
        'k' AS _source_key, 'l' || r AS _load_id FROM range(12) t(r)`);
    });
    const dest = await activeDestination(env, destination(env, { name: `raw-${env.id}`, prefix: 'raw' }));
    const report = await env.s3bridge.exportTable({ destination: dest.name, table: 'raw.shop__orders', timeColumn: 'ordered_at', sourceId: 'orders', windows: { from: '2025-08-02T06', to: '2025-08-02T08' } });
    expect(report.windows.map((w) => w.rows)).toEqual([9, 3]);
    const day = Date.parse('2025-08-02T00:00:00Z');
    const [first] = await readMessages(env, `raw/segment-logs/orders/${day}/s3bridge-20250802T06-0000.gz`);
    expect(first).toEqual({ id: 0, sku: 'sku-0', ordered_at: '2025-08-02 06:00:00', _source_key: 'k' });

    const parquet = await env.s3bridge.exportTable({ destination: dest.name, table: 'raw.shop__orders', timeColumn: 'ordered_at', sourceId: 'orders', format: 'parquet', windows: { from: '2025-08-02T06', to: '2025-08-02T08' } });
    expect(parquet.totals).toMatchObject({ rows: 12, files: 2 });
    expect(await bucketKeys(env, env.bucket, 'raw/orders/')).toEqual([
      'raw/orders/2025-08-02/s3bridge-20250802T06-0000.parquet', 'raw/orders/2025-08-02/s3bridge-20250802T07-0000.parquet',
    ]);
  });
});
