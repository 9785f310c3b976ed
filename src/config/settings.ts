import path from 'node:path';
import { DEFAULT_TASK_QUEUE } from '../shared/task-queue';

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
  /** DuckDB `max_temp_directory_size` per instance (spill space); DuckDB's default (90% of free disk) when unset. */
  duckdbMaxTempSize?: string;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const dataDir = path.resolve(env.S3BRIDGE_DATA_DIR ?? '.s3bridge');
  return {
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.S3BRIDGE_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    dataDir,
    warehousePath: path.resolve(env.S3BRIDGE_WAREHOUSE ?? path.join(dataDir, 'warehouse.duckdb')),
    duckdbExtensionDir: env.S3BRIDGE_DUCKDB_EXTENSION_DIR || undefined,
    duckdbMemoryLimit: env.S3BRIDGE_DUCKDB_MEMORY_LIMIT ?? '2GB',
    duckdbThreads: env.S3BRIDGE_DUCKDB_THREADS ? Number(env.S3BRIDGE_DUCKDB_THREADS) : undefined,
    duckdbMaxTempSize: env.S3BRIDGE_DUCKDB_MAX_TEMP_SIZE || undefined,
  };
}
