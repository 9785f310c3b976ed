import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { discover } from '../import/fixtures';
import { queryRows } from '../../src/duckdb/query-rows';
import { startQueryWarehouse } from '../../src/client/warehouse-client';

// The one-pass load lets the worker's warehouse read S3 inside a commit. These check what that
// reach is: the buckets of Active source connections only, with credentials only during a commit.
let env: TestEnv;
const refused = (promise: Promise<unknown>) => promise.then(() => 'allowed', (error: unknown) => String(error));

beforeAll(async () => {
  env = await createTestEnv('wh-source-reads');
  // The second day has a row whose time does not parse: its direct load is declined and the day stages.
  for (const [day, bad] of [['2025-03-01', false], ['2025-03-02', true]] as const) {
    await putTable(env.s3, env.bucket, `events/date=${day}/part-0.parquet`,
      `SELECT r AS id, r * 2 AS v, CASE WHEN ${bad} AND r = 7 THEN 'not a time' ELSE '${day} 10:00:00' END AS ts FROM range(1000) t(r)`);
  }
  // Every Parquet day loads directly here, however small its files (the default stages small ones).
  env.settings.directLoadMinFileBytes = 0;
  await env.startWorker();
  await discover(env);
  // A connection whose validation failed (its bucket does not exist) gains no reach.
  const failed = await env.s3bridge.validateConnection({ connection: env.source({ name: `bad-${env.id}`, bucket: `${env.bucket}-missing` }) });
  expect(failed.status).toBe('failed');
}, 300_000);
afterAll(async () => env?.close());

describe("the worker's warehouse reads sources only as a commit needs", () => {
  it('loads a day directly and declines one with a bad row; the instance that ran both holds no S3 secret after', async () => {
    // Opened now (the connection is Active, so its bucket is readable) and held open by this test,
    // so the commits run on this very instance and the check below sees what they left.
    await env.deps.close();
    await env.withWarehouse(async (held) => {
      const report = await env.s3bridge.importTable({
        connection: env.source(), table: 'events', days: 'all', errorPolicy: 'skip-to-rejects',
        mapping: { mode: 'events', events: { eventName: { constant: 'tick' }, userId: 'id', timestamp: { column: 'ts', timezone: 'UTC' }, value: 'v' } },
      });
      expect(report.days.map((d) => [d.day, d.status, d.rows, d.rejectedRows, d.path])).toEqual([
        ['2025-03-01', 'loaded', 1000, 0, 'direct'], ['2025-03-02', 'loaded', 999, 1, 'staged'],
      ]);
      expect(await queryRows(held, 'SELECT name FROM duckdb_secrets()')).toEqual([]);
      expect(await queryRows(held, "SELECT count(*)::INTEGER AS n FROM lineage.events WHERE _table = 'events'")).toEqual([{ n: 1999 }]);
    });
  });

  it('may read the Active source buckets, and no other bucket, local file or URL', async () => {
    await env.deps.close();
    await env.withWarehouse(async (db) => {
      const [setting] = await queryRows<{ dirs: string[] }>(db, "SELECT current_setting('allowed_directories') AS dirs");
      const buckets = setting!.dirs.filter((d) => d.startsWith('s3:')).map((d) => d.replace(/^s3:\/+/, 's3://'));
      expect(buckets).toEqual([`s3://${env.bucket}/`]);
      expect(await refused(queryRows(db, `SELECT * FROM read_parquet('s3://${env.bucket}-missing/x.parquet')`))).toMatch(/disabled by configuration/);
      expect(await refused(queryRows(db, "SELECT * FROM read_csv('/etc/passwd')"))).toMatch(/disabled by configuration/);
      expect(await refused(queryRows(db, "SELECT * FROM read_csv('https://example.com/x.csv')"))).toMatch(/disabled by configuration/);
      expect(await refused(queryRows(db, 'SET enable_external_access = true'))).toMatch(/Cannot change enable_external_access/);
    });
  });

  it('`s3bridge sql` still refuses to read the bucket the warehouse may load from', async () => {
    const handle = await startQueryWarehouse(env.s3bridge, { sql: `SELECT * FROM read_parquet('s3://${env.bucket}/events/date=2025-03-01/part-0.parquet')`, limit: 5 });
    const error = await handle.result().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(String(((error as WorkflowFailedError).cause?.cause as Error | undefined)?.message)).toMatch(/read_parquet\(\) is not allowed/);
  });
});
