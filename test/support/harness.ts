import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { inject } from 'vitest';
import { loadSettings, type Settings } from '../../src/config/settings';
import { LOCAL_SERVICE_SECRETS, parseSecretEnvAllow } from '../../src/secrets/secret-policy';
import { localServiceEnv, localSourceConnection } from '../../src/config/local-services';
import { createWorker } from '../../src/worker/create-worker';
import { buildDeps, type BuiltDeps } from '../../src/worker/build-deps';
import type { DuckDBConnection } from '@duckdb/node-api';
import { S3BridgeClient } from '../../src/client/s3bridge-client';
import type { SourceConnection } from '../../src/workflow-safe/connection';
import { codecFromEnv, s3bridgeDataConverter } from '../../src/codec/data-converter';
import { scanTaskQueueForSecrets } from './history-payloads';
import { sharedSettings } from './shared-store';

let runtimeInstalled = false;

/** Everything one test file needs: its own bucket, task queue, workflow-ID prefix and data dir. */
export interface TestEnv {
  id: string;
  bucket: string;
  taskQueue: string;
  workflowIdPrefix: string;
  settings: Settings;
  /** An S3 client with MinIO's root user, for arranging data and asserting objects. */
  s3: S3Client;
  temporal: Client;
  s3bridge: S3BridgeClient;
  source(overrides?: Partial<SourceConnection>): SourceConnection;
  /** The worker's dependencies, built once for this file (the warehouse object every user in this process shares). */
  deps: BuiltDeps;
  /**
   * Runs `fn` on the store's own database through the worker's own object (never a second DuckDB
   * instance on the file): the warehouse file, or in the shared setup its catalog (Postgres).
   */
  withWarehouse<T>(fn: (db: DuckDBConnection) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` where the warehouse's tables are (raw.*, canonical.*, the load ledger, source files),
   * through the worker's own sink: the warehouse file, or in the shared setup the lake.
   */
  withWarehouseTables<T>(fn: (db: DuckDBConnection) => Promise<T>): Promise<T>;
  /** Starts a worker in this process against the real Temporal server (idempotent); the run's workflow bundle unless given another. */
  startWorker(options?: { workflowBundlePath?: string }): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/** Where the env's services are: the shared ones by default; fault tests pass their private ones. */
export interface TestEnvOptions {
  s3Endpoint?: string;
  temporalAddress?: string;
  /**
   * More endpoints that count as the local MinIO for its root credentials (a private MinIO, or a
   * proxy in front of it): the default secret policy binds them to the shared MinIO only.
   */
  localS3Endpoints?: string[];
  /** `shared`: the catalog in a Postgres database of this test's own and the warehouse in a DuckLake (test/support/shared-store.ts). */
  store?: 'shared';
}

export async function createTestEnv(name: string, options: TestEnvOptions = {}): Promise<TestEnv> {
  const shared = localServiceEnv();
  const services = { s3Endpoint: options.s3Endpoint ?? shared.s3Endpoint, temporalAddress: options.temporalAddress ?? shared.temporalAddress };
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const id = `${name}-${randomBytes(3).toString('hex')}`.toLowerCase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `s3bridge-${name}-`));
  const embedded: Settings = {
    ...loadSettings({ ...process.env, S3BRIDGE_DATA_DIR: dataDir }),
    taskQueue: `test-${id}`,
    temporalAddress: services.temporalAddress,
    duckdbMemoryLimit: '1GB',
  };
  const local = [...(options.s3Endpoint ? [options.s3Endpoint] : []), ...(options.localS3Endpoints ?? [])];
  if (local.length > 0) {
    embedded.secretEnvAllow = [...embedded.secretEnvAllow, ...parseSecretEnvAllow(
      local.flatMap((endpoint) => LOCAL_SERVICE_SECRETS.map((name) => `${name}@${endpoint}`)).join(','))];
    // The worker's egress gate lets it reach them, as it does the shared MinIO (S3BRIDGE_S3_ENDPOINT).
    embedded.endpointAllow = [...embedded.endpointAllow, ...local.map((endpoint) => new URL(endpoint).host)];
  }
  const bucket = `t-${id}`.slice(0, 63);
  const settings = options.store === 'shared' ? await sharedSettings({ id, bucket, settings: embedded }) : embedded;
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: services.s3Endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! },
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const temporalConnection = await Connection.connect({ address: services.temporalAddress });
  const temporal = new Client({ connection: temporalConnection, namespace: settings.temporalNamespace, dataConverter: s3bridgeDataConverter() });
  const workflowIdPrefix = `${id}-`;
  const s3bridge = new S3BridgeClient(temporal, settings, workflowIdPrefix);

  let running: { stop(): Promise<void> } | undefined;
  const deps = buildDeps(settings, { worker: true });
  const env: TestEnv = {
    id, bucket, taskQueue: settings.taskQueue, workflowIdPrefix, settings, s3, temporal, s3bridge, deps,
    withWarehouse: (fn) => deps.withStore(fn),
    withWarehouseTables: (fn) => deps.sink.read(fn),
    source: (overrides = {}) => localSourceConnection({ name: `src-${id}`, bucket, endpoint: services.s3Endpoint, ...overrides }),
    async startWorker({ workflowBundlePath = inject('workflowBundlePath') } = {}) {
      if (running) return;
      const nativeConnection = await NativeConnection.connect({ address: services.temporalAddress });
      const { worker, release } = await createWorker({
        settings,
        connection: nativeConnection,
        workflowBundlePath,
        deps,
      });
      const done = worker.run();
      running = {
        async stop() {
          worker.shutdown();
          await done;
          await release();
          await nativeConnection.close();
        },
      };
    },
    async stopWorker() {
      await running?.stop();
      running = undefined;
    },
    /** Stops the worker and frees everything; fails if any history this file produced holds a secret (payloads decoded). */
    async close() {
      await env.stopWorker();
      const codec = codecFromEnv();
      try {
        const scan = await scanTaskQueueForSecrets(temporal, settings.taskQueue, undefined, codec ? [codec] : []);
        if (scan.hits.length > 0) throw new Error(`secret values in workflow history:\n${scan.hits.join('\n')}`);
      } finally {
        await temporalConnection.close();
        s3.destroy();
        await deps.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
  return env;
}
