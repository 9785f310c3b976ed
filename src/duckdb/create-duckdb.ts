import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Settings } from '../config/settings';
import { quoteLiteral } from './sql';
import { trustedExtensionDir } from './verified-extensions';

/** An open DuckDB instance and the spill folder that is its alone; close() removes both. */
export interface OpenDuckDB {
  instance: DuckDBInstance;
  /** This instance's own spill folder, removed on close. */
  tempDirectory: string;
  close(this: void): void;
}

/**
 * Opens a DuckDB instance with bounded memory and a spill folder of its own: DuckDB names its
 * spill files without an instance part and deletes `duckdb_temp_*` files on close, so two
 * instances sharing a folder would delete each other's spilled blocks. Extensions are never
 * installed or loaded behind our back; an in-memory instance serves one activity's S3 reads,
 * a file instance is the embedded warehouse.
 */
export async function createDuckDB(settings: Settings, file = ':memory:'): Promise<OpenDuckDB> {
  const tempRoot = path.join(settings.dataDir, 'duckdb-tmp');
  mkdirSync(tempRoot, { recursive: true });
  const tempDirectory = mkdtempSync(path.join(tempRoot, 'instance-'));
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const options: Record<string, string> = {
    memory_limit: settings.duckdbMemoryLimit,
    // Row order never matters to s3bridge's loads; dropping it lets DuckDB stream with less memory.
    preserve_insertion_order: 'false',
    temp_directory: tempDirectory,
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
  if (settings.duckdbMaxTempSize) options.max_temp_directory_size = settings.duckdbMaxTempSize;
  if (settings.duckdbThreads) options.threads = String(settings.duckdbThreads);
  // Offline: extensions come only from the project-local folder filled from PyPI.
  if (settings.duckdbExtensionDir) {
    // Private copies whose signatures DuckDB checked once in this process (see verified-extensions.ts).
    const checked = await trustedExtensionDir(settings.duckdbExtensionDir);
    options.extension_directory = checked ?? settings.duckdbExtensionDir;
    if (checked) options.allow_unsigned_extensions = 'true';
  }
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, options);
  } catch (error) {
    rmSync(tempDirectory, { recursive: true, force: true });
    throw error;
  }
  let closed = false;
  return {
    instance,
    tempDirectory,
    close() {
      if (closed) return;
      closed = true;
      try {
        instance.closeSync();
      } finally {
        rmSync(tempDirectory, { recursive: true, force: true });
      }
    },
  };
}

/** Loads httpfs: from the offline folder when configured, else DuckDB's normal INSTALL. */
export async function loadHttpfs(connection: DuckDBConnection, settings: Settings): Promise<void> {
  if (!settings.duckdbExtensionDir) await connection.run('INSTALL httpfs');
  await connection.run('LOAD httpfs');
}

/**
 * Locks an instance down once it is set up: files only in `allowedDirectories` (S3 prefixes
 * and local folders), no other file, URL or extension access; DuckDB refuses to re-enable
 * external access or widen the folders while it runs. With `lockConfiguration` no other
 * setting can change either, so no SQL built later can alter how the instance reads.
 */
export async function lockDown(connection: DuckDBConnection, allowedDirectories: string[], { lockConfiguration = true } = {}): Promise<void> {
  const list = allowedDirectories.map((d) => quoteLiteral(d)).join(', ');
  await connection.run(`SET allowed_directories = [${list}]`);
  await connection.run('SET enable_external_access = false');
  if (lockConfiguration) await connection.run('SET lock_configuration = true');
}
