import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Settings } from '../config/settings';
import { quoteLiteral } from './sql';
import { trustedExtensionDir } from './verified-extensions';
import { egressGate } from '../egress/egress-gate';
import type { EgressSession } from '../egress/egress-session';

/** An open DuckDB instance and the spill folder that is its alone; close() removes both. */
export interface OpenDuckDB {
  instance: DuckDBInstance;
  /** This instance's own spill folder, removed on close. */
  tempDirectory: string;
  /** Its session with the worker's egress gate: what it read through it, and what the gate refused it. */
  egress: EgressSession;
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
  const egress = egressGate(settings).openSession();
  return {
    instance,
    tempDirectory,
    egress,
    close() {
      if (closed) return;
      closed = true;
      try {
        instance.closeSync();
      } finally {
        egress.close();
        rmSync(tempDirectory, { recursive: true, force: true });
      }
    },
  };
}

/** The settings httpfs fills from AWS_* and DUCKDB_S3_* variables when it loads (its AWSEnvironmentCredentialsProvider). */
const SETTINGS_FROM_ENVIRONMENT = [
  's3_access_key_id', 's3_secret_access_key', 's3_session_token', 's3_region', 's3_endpoint', 's3_use_ssl', 's3_url_style', 's3_kms_key_id',
];

/**
 * Loads httpfs: from the offline folder when configured, else DuckDB's normal INSTALL. Loading it
 * copies the worker's AWS_* and DUCKDB_S3_* environment (keys, session token, region, endpoint)
 * into the instance's s3_* settings, where SQL could read them (`current_setting`) and where
 * every unscoped S3 request would sign with them. They are reset at once: credentials reach
 * DuckDB only as the scoped secrets s3bridge creates (src/duckdb/s3-session.ts, src/lake/).
 * Every request the instance makes then goes through the worker's egress gate (its forward
 * proxy, as the instance's `egress` session): each redirect hop, whatever DNS answers.
 */
export async function loadHttpfs(connection: DuckDBConnection, settings: Settings, egress: EgressSession): Promise<void> {
  if (!settings.duckdbExtensionDir) await connection.run('INSTALL httpfs');
  await connection.run('LOAD httpfs');
  for (const name of SETTINGS_FROM_ENVIRONMENT) await connection.run(`RESET GLOBAL ${name}`);
  if (settings.bypassEgressProxyForBench) return;
  const gate = egressGate(settings);
  const { port } = await gate.proxy();
  await connection.run(`SET GLOBAL http_proxy = '127.0.0.1:${port}'`);
  await connection.run(`SET GLOBAL http_proxy_username = ${quoteLiteral(egress.id)}`);
  await connection.run(`SET GLOBAL http_proxy_password = ${quoteLiteral(gate.proxyPassword)}`);
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
