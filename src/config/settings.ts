import os from 'node:os';
import path from 'node:path';
import { DEFAULT_TASK_QUEUE } from '../shared/task-queue';

/** Process-wide settings, read once from the environment (see README, "Configuration"). */
export interface Settings {
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  /** Folder holding the embedded warehouse and catalog, staging files and DuckDB's spill folders. */
  dataDir: string;
  warehousePath: string;
  /** Offline DuckDB extensions (the httpfs wheel from PyPI); DuckDB's own INSTALL when unset. */
  duckdbExtensionDir: string | undefined;
  /** DuckDB `memory_limit` of each instance. */
  duckdbMemoryLimit: string;
  duckdbThreads: number | undefined;
  /** DuckDB `max_temp_directory_size` of each instance: what one instance may spill to disk. */
  duckdbMaxTempSize?: string;
  /**
   * What every DuckDB of this worker process may use together, in bytes: at most
   * floor(budget / memory_limit) instances are open at once (the warehouse counts as one).
   */
  workerMemoryBudget?: number;
}

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, TIB: 1024 ** 4 };

/** Bytes of a DuckDB-style size ("2GB", "512MiB", "1.5 GB"); throws on anything else. */
export function parseByteSize(size: string, what: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?\s*$/i.exec(size);
  const unit = UNITS[(match?.[2] ?? 'B').toUpperCase()];
  if (!match || unit === undefined) throw new Error(`${what}: expected a size such as "2GB" or "512MiB", got ${JSON.stringify(size)}`);
  return Math.floor(Number(match[1]) * unit);
}

// DuckDB's own globbing and S3 URL parsing would read these characters in a local path as patterns.
const GLOB_CHARACTERS = /[*?[\]{}\\]/;

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const dataDir = path.resolve(env.S3BRIDGE_DATA_DIR ?? '.s3bridge');
  if (GLOB_CHARACTERS.test(dataDir)) {
    throw new Error(`S3BRIDGE_DATA_DIR ${JSON.stringify(dataDir)} contains one of * ? [ ] { } \\, which DuckDB would read as a pattern; choose another folder`);
  }
  const memoryLimit = env.S3BRIDGE_DUCKDB_MEMORY_LIMIT ?? '2GB';
  parseByteSize(memoryLimit, 'S3BRIDGE_DUCKDB_MEMORY_LIMIT');
  return {
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.S3BRIDGE_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    dataDir,
    warehousePath: path.resolve(env.S3BRIDGE_WAREHOUSE ?? path.join(dataDir, 'warehouse.duckdb')),
    duckdbExtensionDir: env.S3BRIDGE_DUCKDB_EXTENSION_DIR || undefined,
    duckdbMemoryLimit: memoryLimit,
    duckdbThreads: env.S3BRIDGE_DUCKDB_THREADS ? Number(env.S3BRIDGE_DUCKDB_THREADS) : undefined,
    duckdbMaxTempSize: env.S3BRIDGE_DUCKDB_MAX_TEMP_SIZE ?? '20GB',
    // Half the machine's memory unless told: the rest is Node, Temporal's core and the OS page cache.
    workerMemoryBudget: env.S3BRIDGE_WORKER_MEMORY_BUDGET
      ? parseByteSize(env.S3BRIDGE_WORKER_MEMORY_BUDGET, 'S3BRIDGE_WORKER_MEMORY_BUDGET')
      : Math.floor(os.totalmem() / 2),
  };
}
