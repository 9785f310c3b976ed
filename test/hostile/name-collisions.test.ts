import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { warehouse } from '../import/fixtures';
import { validateAndDiscover } from './support';
import { rawTableName } from '../../src/warehouse/target-table';
import { dayWorkflowId, importWorkflowId } from '../../src/workflow-safe/workflow-ids';
import { localSourceConnection } from '../../src/config/local-services';

describe('names that differ only by _/- placement or case never collide', () => {
  it('raw target tables: distinct even where DuckDB compares names case-insensitively; plain names unchanged', () => {
    const pairs: [string, string][] = [['a_', 'b'], ['a', '_b'], ['a__b', 'c'], ['a', 'b__c'], ['c', 'Events'], ['c', 'events'], ['c', 'EVENTS'], ['c', 'e-v'], ['c', 'e_v']];
    const names = pairs.map(([c, t]) => rawTableName(c, t).toLowerCase());
    expect(new Set(names).size).toBe(pairs.length);
    expect(rawTableName('shop', 'page_views')).toBe('shop__page_views');
    expect(rawTableName('shop', 'page-views')).toBe('shop__page-views');
    expect(rawTableName('shop', 'Events')).toMatch(/^shop__Events__[0-9a-f]{12}$/);
  });

  it('workflow IDs: tables, days and the whole-table unit all distinct; plain names unchanged', () => {
    const ids = [
      importWorkflowId('a-b', 'c'), importWorkflowId('a', 'b-c'),
      dayWorkflowId('a-b', 'c', '2025-01-01'), dayWorkflowId('a', 'b-c', '2025-01-01'),
      dayWorkflowId('x', 't', 'all'), importWorkflowId('x', 't-all'), importWorkflowId('x-t', 'all'),
      dayWorkflowId('a', 'b', '2025-01-01'), importWorkflowId('a-b-2025-01', '01'),
      importWorkflowId('c', 'Events'), importWorkflowId('c', 'events'),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect(importWorkflowId('shop', 'page_views')).toBe('import-shop-page_views');
    expect(dayWorkflowId('shop', 'events', '2025-01-01')).toBe('import-shop-events-2025-01-01');
  });
});

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv('hostile-names');
  await putTable(env.s3, env.bucket, 'cased/Events/date=2025-06-01/part-0.parquet', 'SELECT r AS id, \'upper\' AS who FROM range(11) t(r)');
  await putTable(env.s3, env.bucket, 'cased/events/date=2025-06-01/part-0.parquet', 'SELECT r AS id, \'lower\' AS who FROM range(7) t(r)');
  await putTable(env.s3, env.bucket, 'p1/b-ev/date=2025-06-01/part-0.parquet', 'SELECT r AS id FROM range(5) t(r)');
  await putTable(env.s3, env.bucket, 'p2/ev/date=2025-06-01/part-0.parquet', 'SELECT r AS id FROM range(9) t(r)');
  await putTable(env.s3, env.bucket, 'maps/clicks/date=2025-06-01/part-0.parquet',
    "SELECT 'click' AS event, 'u' || r AS uid, TIMESTAMPTZ '2025-06-01 10:00:00+00' AS ts FROM range(6) t(r)");
  await env.startWorker();
});
afterAll(async () => env?.close());

const count = async (table: string) => (await warehouse<{ n: number }>(env, `SELECT count(*) AS n FROM ${table}`))[0]!.n;

describe('names never collide in the warehouse, Temporal or the ledger', () => {
  it('tables `Events` and `events` land in distinct raw tables with their own rows', async () => {
    const connection = env.source({ prefix: 'cased' });
    await validateAndDiscover(env, connection);
    const upper = await env.s3bridge.importTable({ connection, table: 'Events', days: 'all' });
    const lower = await env.s3bridge.importTable({ connection, table: 'events', days: 'all' });
    expect(upper.totals).toMatchObject({ loaded: 1, rows: 11 });
    expect(lower.totals).toMatchObject({ loaded: 1, rows: 7 });
    expect(upper.target).not.toBe(lower.target);
    expect(await warehouse(env, `SELECT who, count(*) AS n FROM raw."${rawTableName(connection.name, 'Events')}" GROUP BY 1`)).toEqual([{ who: 'upper', n: 11 }]);
    expect(await warehouse(env, `SELECT who, count(*) AS n FROM raw."${rawTableName(connection.name, 'events')}" GROUP BY 1`)).toEqual([{ who: 'lower', n: 7 }]);
  });

  it('connections `x-a`/table `b-ev` and `x-a-b`/table `ev` import the same day at once, each its own day workflow', async () => {
    const base = `n${env.id.slice(-6)}`;
    const one = localSourceConnection({ name: `${base}-a`, bucket: env.bucket, prefix: 'p1' });
    const two = localSourceConnection({ name: `${base}-a-b`, bucket: env.bucket, prefix: 'p2' });
    await validateAndDiscover(env, one);
    await validateAndDiscover(env, two);
    const [a, b] = await Promise.all([
      env.s3bridge.importTable({ connection: one, table: 'b-ev', days: 'all' }),
      env.s3bridge.importTable({ connection: two, table: 'ev', days: 'all' }),
    ]);
    expect(a.days).toMatchObject([{ status: 'loaded', rows: 5 }]);
    expect(b.days).toMatchObject([{ status: 'loaded', rows: 9 }]);
    expect(dayWorkflowId(one.name, 'b-ev', '2025-06-01')).not.toBe(dayWorkflowId(two.name, 'ev', '2025-06-01'));
    expect(await count(`raw."${rawTableName(one.name, 'b-ev')}"`)).toBe(5);
    expect(await count(`raw."${rawTableName(two.name, 'ev')}"`)).toBe(9);
  });

  it('two mappings of one table keep their own ledger entries: neither reloads the other', async () => {
    const connection = env.source({ prefix: 'maps' });
    await validateAndDiscover(env, connection);
    const events = { mode: 'events' as const, events: { eventName: { column: 'event' }, userId: 'uid', timestamp: { column: 'ts', format: 'iso' as const, timezone: 'UTC' } } };
    expect((await env.s3bridge.importTable({ connection, table: 'clicks', days: 'all' })).totals).toMatchObject({ loaded: 1, rows: 6 });
    expect((await env.s3bridge.importTable({ connection, table: 'clicks', days: 'all', mapping: events })).totals).toMatchObject({ loaded: 1, rows: 6 });
    const raw = await env.s3bridge.importTable({ connection, table: 'clicks' });
    const mapped = await env.s3bridge.importTable({ connection, table: 'clicks', mapping: events });
    expect(raw.totals).toMatchObject({ loaded: 0, skipped: 1 });
    expect(mapped.totals).toMatchObject({ loaded: 0, skipped: 1 });
    const ledger = await warehouse<{ target: string }>(env, 'SELECT target FROM s3bridge.load_ledger WHERE connection = $c AND table_name = $t ORDER BY target', { c: connection.name, t: 'clicks' });
    expect(ledger.map((l) => l.target)).toEqual(['canonical.events', `raw.${rawTableName(connection.name, 'clicks')}`]);
    expect(await count(`raw."${rawTableName(connection.name, 'clicks')}"`)).toBe(6);
    expect(await count('canonical.events')).toBe(6);
  });
});
