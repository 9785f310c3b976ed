import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings';
import { localServiceEnv } from '../../src/config/local-services';
import { CATALOG_DB, isLostConnection, SharedDuckDB } from '../../src/lake/shared-duckdb';
import { inTransaction } from '../../src/duckdb/in-transaction';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-services';
import { sharedSettings } from '../support/shared-store';

/**
 * A worker's shared DuckDB across a Postgres restart (a private Postgres: never the shared one).
 * DuckDB's postgres extension caches its connections and finds a dead one only by failing a
 * query on it; the worker must not pay one failed call per cached connection.
 */
let postgres: PrivatePostgres;
let shared: SharedDuckDB;
let dataDir: string;
const CACHED = 4;

beforeAll(async () => {
  localServiceEnv();
  postgres = await startPrivatePostgres();
  process.env.S3BRIDGE_PRIVATE_POSTGRES_PASSWORD = postgres.password;
  dataDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-reconnect-'));
  const id = `reconnect-${path.basename(dataDir).slice(-6).toLowerCase()}`;
  const bucket = `t-${id}`;
  const s3 = new S3Client({ region: 'us-east-1', endpoint: process.env.S3BRIDGE_S3_ENDPOINT, forcePathStyle: true,
    credentials: { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! } });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  s3.destroy();
  const settings = await sharedSettings({ id, bucket, settings: loadSettings({ ...process.env, S3BRIDGE_DATA_DIR: dataDir }) },
    { host: postgres.host, port: postgres.port, user: postgres.user, passwordEnv: 'S3BRIDGE_PRIVATE_POSTGRES_PASSWORD' });
  shared = new SharedDuckDB(settings);
  await shared.use(CATALOG_DB, (db) => db.run('CREATE TABLE public.probe AS SELECT 1 AS n'));
});
afterAll(async () => {
  await shared?.close();
  await postgres?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** One catalog read; each call's transaction holds a Postgres connection of the extension's cache. */
const probe = (holdMs = 0) => shared.use(CATALOG_DB, (db) => inTransaction(db, async () => {
  await db.run('SELECT n FROM public.probe');
  await new Promise((resolve) => setTimeout(resolve, holdMs));
}));

describe('SharedDuckDB across a Postgres restart', () => {
  it('fails one call on the dead connections, then reconnects: not one failure per cached connection', async () => {
    // Calls at once: the extension opens (and then caches) a connection for each.
    await Promise.all(Array.from({ length: CACHED }, () => probe(300)));
    await postgres.stop();
    await postgres.start();
    const outcomes: string[] = [];
    for (let i = 0; i < CACHED + 1; i += 1) {
      outcomes.push(await probe().then(() => 'ok', (error: unknown) => (isLostConnection(error) ? 'lost connection' : String(error))));
    }
    expect(outcomes).toEqual(['lost connection', ...Array.from({ length: CACHED }, () => 'ok')]);
  });
});
