import path from 'node:path';
import { DEFAULT_TASK_QUEUE } from '../shared/task-queue';
import { temporalProfile } from './temporal-connection';

/** Process-wide settings, read once from the environment (see README, "Configuration"). */
export interface Settings {
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  /** Folder holding the embedded warehouse and catalog. */
  dataDir: string;
  warehousePath: string;
  /** Offline DuckDB extensions (the httpfs wheel from PyPI); DuckDB's own INSTALL when unset. */
  duckdbExtensionDir: string | undefined;
  duckdbMemoryLimit: string;
  duckdbThreads: number | undefined;
  /** The Temporal Web UI, for links the CLI prints (`S3BRIDGE_TEMPORAL_UI`). */
  temporalUiUrl: string;
  /** Where the worker serves Prometheus metrics (`S3BRIDGE_METRICS_ADDRESS`, host:port); none when empty. */
  metricsAddress: string | undefined;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const dataDir = path.resolve(env.S3BRIDGE_DATA_DIR ?? '.s3bridge');
  const temporal = temporalProfile(env);
  return {
    temporalAddress: temporal.connectionOptions.address,
    temporalNamespace: temporal.namespace,
    taskQueue: env.S3BRIDGE_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    dataDir,
    warehousePath: path.resolve(env.S3BRIDGE_WAREHOUSE ?? path.join(dataDir, 'warehouse.duckdb')),
    duckdbExtensionDir: env.S3BRIDGE_DUCKDB_EXTENSION_DIR || undefined,
    duckdbMemoryLimit: env.S3BRIDGE_DUCKDB_MEMORY_LIMIT ?? '2GB',
    duckdbThreads: env.S3BRIDGE_DUCKDB_THREADS ? Number(env.S3BRIDGE_DUCKDB_THREADS) : undefined,
    temporalUiUrl: (env.S3BRIDGE_TEMPORAL_UI ?? 'http://127.0.0.1:8233').replace(/\/$/, ''),
    metricsAddress: env.S3BRIDGE_METRICS_ADDRESS ?? (env.S3BRIDGE_METRICS_PORT ? `127.0.0.1:${env.S3BRIDGE_METRICS_PORT}` : undefined),
  };
}
