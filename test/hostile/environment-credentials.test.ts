import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { sharedSettings } from '../support/shared-store';
import { discover } from '../import/fixtures';
import { queryRows } from '../../src/duckdb/query-rows';
import { withS3DuckDB } from '../../src/duckdb/s3-session';
import { LAKE_DB, SharedDuckDB } from '../../src/lake/shared-duckdb';

/**
 * Many deployments start the worker with AWS credentials in its environment. httpfs copies
 * AWS_* into DuckDB settings when it loads; none of them may stay in any DuckDB s3bridge runs.
 */
const CANARIES = {
  AWS_ACCESS_KEY_ID: 'AKIAWORKERCANARY7Q2X',
  AWS_SECRET_ACCESS_KEY: 'worker-secret-canary-4d1f9a7c',
  AWS_SESSION_TOKEN: 'worker-token-canary-88e2b5',
  AWS_REGION: 'canary-region-1',
  DUCKDB_S3_ENDPOINT: 'canary-endpoint.invalid',
};
let env: TestEnv;

beforeAll(async () => {
  Object.assign(process.env, CANARIES);
  // The teardown's history scan looks for S3BRIDGE_TEST_*_SECRET values too.
  process.env.S3BRIDGE_TEST_WORKER_AWS_SECRET = CANARIES.AWS_SECRET_ACCESS_KEY;
  env = await createTestEnv('hostile-env-creds');
  await putTable(env.s3, env.bucket, 'events/date=2025-05-01/part-0.parquet', 'SELECT r AS id FROM range(100) t(r)');
  // The warehouse reads the day itself in the commit: httpfs is loaded into it.
  env.settings.directLoadMinFileBytes = 0;
  await env.startWorker();
  await discover(env);
}, 300_000);
afterAll(async () => {
  await env?.close();
  for (const name of [...Object.keys(CANARIES), 'S3BRIDGE_TEST_WORKER_AWS_SECRET']) delete process.env[name];
});

/** Every setting whose value holds one of the worker's AWS_* values. */
async function leakedSettings(db: DuckDBConnection): Promise<string[]> {
  const rows = await queryRows<{ name: string; value: string | null }>(db, 'SELECT name, value FROM duckdb_settings()');
  return rows.filter((r) => Object.values(CANARIES).some((c) => (r.value ?? '').includes(c))).map((r) => `${r.name}=${r.value}`);
}

/** httpfs adds the s3_* settings when it loads (duckdb_extensions() cannot list a locked-down instance's folder). */
async function httpfsLoaded(db: DuckDBConnection): Promise<boolean> {
  const [row] = await queryRows<{ n: number }>(db, "SELECT count(*)::INTEGER AS n FROM duckdb_settings() WHERE name = 's3_access_key_id'");
  return row?.n === 1;
}

describe('no environment credentials in any DuckDB', () => {
  it('an S3 DuckDB (validation, discovery, a load) has none of the worker\'s AWS_* in its settings, and reads with its scoped secret', async () => {
    const minio = { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! };
    await withS3DuckDB(env.settings, env.source(), minio, async (db) => {
      expect(await httpfsLoaded(db)).toBe(true);
      expect(await leakedSettings(db)).toEqual([]);
      expect(await queryRows(db, 'SELECT count(*)::INTEGER AS n FROM read_parquet($u)', { u: `s3://${env.bucket}/events/date=2025-05-01/part-0.parquet` })).toEqual([{ n: 100 }]);
    });
  });

  it('the warehouse that read a day in its commit has none either', async () => {
    // Opened afresh (the connection is Active by now, so the warehouse may read its bucket) and held
    // open by the test: the instance that reads the day in its commit is the one looked at.
    await env.deps.close();
    await env.withWarehouse(async (held) => {
      const report = await env.s3bridge.importTable({ connection: env.source(), table: 'events', days: 'all' });
      expect(report.days.map((d) => [d.day, d.status, d.rows, d.path])).toEqual([['2025-05-01', 'loaded', 100, 'direct']]);
      expect(await httpfsLoaded(held)).toBe(true);
      expect(await leakedSettings(held)).toEqual([]);
    });
  });

  it('the shared store\'s DuckDB (catalog and lake) has none either', async () => {
    const lake = new SharedDuckDB(await sharedSettings(env));
    try {
      await lake.use(LAKE_DB, async (db) => {
        expect(await httpfsLoaded(db)).toBe(true);
        expect(await leakedSettings(db)).toEqual([]);
      });
    } finally {
      await lake.close();
    }
  });
});
