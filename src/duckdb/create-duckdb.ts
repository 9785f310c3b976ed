import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Settings } from '../config/settings';

/**
 * Opens a DuckDB instance with bounded memory and a spill directory. An in-memory instance
 * serves one activity's S3 reads; a file instance is the embedded warehouse.
 */
export async function createDuckDB(settings: Settings, file = ':memory:'): Promise<DuckDBInstance> {
  const tempDirectory = path.join(settings.dataDir, 'duckdb-tmp');
  mkdirSync(tempDirectory, { recursive: true });
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const options: Record<string, string> = {
    memory_limit: settings.duckdbMemoryLimit,
    // Row order never matters to s3bridge's loads; dropping it lets DuckDB stream with less memory.
    preserve_insertion_order: 'false',
    temp_directory: tempDirectory,
  };
  if (settings.duckdbThreads) options.threads = String(settings.duckdbThreads);
  if (settings.duckdbMaxTempSize) options.max_temp_directory_size = settings.duckdbMaxTempSize;
  if (settings.duckdbExtensionDir) {
    // Offline: extensions come only from the project-local folder filled from PyPI.
    options.extension_directory = settings.duckdbExtensionDir;
    options.autoinstall_known_extensions = 'false';
  }
  return DuckDBInstance.create(file, options);
}

/** Loads httpfs: from the offline folder when configured, else DuckDB's normal INSTALL. */
export async function loadHttpfs(connection: DuckDBConnection, settings: Settings): Promise<void> {
  if (!settings.duckdbExtensionDir) await connection.run('INSTALL httpfs');
  await connection.run('LOAD httpfs');
}
