import os from 'node:os';
import path from 'node:path';
import { temporalProfile } from './temporal-connection';
import { DEFAULTS } from './environment-variables';
import { defaultSecretEnvAllow, endpointOrigin, parseSecretEnvAllow, type SecretEnvRule } from '../secrets/secret-policy';

/**
 * Process-wide settings, read once from the environment. Every variable, its default and its
 * meaning is a row of src/config/environment-variables.ts (docs/reference/settings.md).
 */
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
  /** The `env:` references the worker resolves (S3BRIDGE_SECRET_ENV_ALLOW); see src/secrets/secret-policy.ts. */
  secretEnvAllow: SecretEnvRule[];
  /** The only folder `file:` references may point into (S3BRIDGE_SECRETS_DIR); `file:` is refused when unset. */
  secretsDir: string | undefined;
  /**
   * Where the worker may connect although the address is loopback, private, link-local or a cloud
   * metadata service's (S3BRIDGE_ENDPOINT_ALLOW): hosts, host:port, *.suffix and CIDR ranges, lower-cased.
   * The endpoints the worker itself is configured with (S3BRIDGE_S3_ENDPOINT, the lake's) are always in.
   */
  endpointAllow: string[];
  /** DNS servers the egress gate resolves with (S3BRIDGE_DNS_SERVERS, `ip` or `ip:port`); the system resolver when unset. */
  dnsServers?: string[];
  /**
   * Benches only (never read from the environment): DuckDB connects directly instead of through
   * the egress gate's proxy, so a bench can measure what the gate costs.
   */
  bypassEgressProxyForBench?: boolean;
  /**
   * Whether a connection may sign with the worker's own AWS credentials (auth default-chain, or
   * assume-role without baseCredentials) (S3BRIDGE_WORKER_CREDENTIALS): "off" (the default), or
   * "stored": stored connections may, inline ones never (anyone who can start a workflow sends those).
   */
  workerCredentials: 'off' | 'stored';
  /** Endpoint origins besides AWS's own that may receive the worker's own credentials (S3BRIDGE_WORKER_CREDENTIALS_ENDPOINTS). */
  workerCredentialsEndpoints: string[];
  /** DuckDB `max_temp_directory_size` of each instance: what one instance may spill to disk. */
  duckdbMaxTempSize?: string;
  /**
   * Parquet days whose objects average at least this many bytes load in one pass, read by the
   * warehouse itself inside the commit (S3BRIDGE_DIRECT_LOAD_MIN_FILE_SIZE); smaller ones, where
   * opening each object twice costs more than a staged copy, stage. Undefined ("off"): every day
   * stages and the warehouse never reads S3.
   */
  directLoadMinFileBytes?: number;
  /**
   * What every DuckDB of this worker process may use together, in bytes: at most
   * floor(budget / memory_limit) instances are open at once (the warehouse counts as one).
   */
  workerMemoryBudget?: number;
  /**
   * Where the catalog and the warehouse live: "embedded" (one DuckDB file, one worker) or
   * "shared" (catalog and DuckLake metadata in Postgres, lake data in S3, any number of workers).
   */
  store: 'embedded' | 'shared';
  /** The shared setup's Postgres (S3BRIDGE_POSTGRES_URL, its password apart). */
  postgres?: PostgresSettings;
  /** The shared setup's lake data: s3://bucket/prefix/ and how to reach it. */
  lake?: LakeSettings;
  /** This worker's identity in the ledger (S3BRIDGE_WORKER_IDENTITY; pid@host, Temporal's default form, when unset). */
  workerIdentity?: string;
  /** The Temporal Web UI, for links the CLI prints (`S3BRIDGE_TEMPORAL_UI`). */
  temporalUiUrl: string;
  /** Where the worker serves Prometheus metrics (`S3BRIDGE_METRICS_ADDRESS`, host:port); none when empty. */
  metricsAddress: string | undefined;
}

/** Where the shared catalog lives. The password is read from the environment when connecting, never kept in settings. */
export interface PostgresSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  /** The environment variable that holds the password (S3BRIDGE_POSTGRES_PASSWORD unless the URL carried one). */
  passwordEnv: string;
}

export interface LakeSettings {
  /** s3://bucket/prefix/ (ends with "/"). */
  dataPath: string;
  region: string;
  /** An S3-compatible endpoint (MinIO), or undefined for AWS. */
  endpoint?: string;
  /** Environment variables holding the lake's access key pair (read when connecting). */
  accessKeyIdEnv: string;
  secretAccessKeyEnv: string;
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

/**
 * Parses S3BRIDGE_POSTGRES_URL (postgres://user[:password]@host[:port]/database). A password in
 * the URL is moved to S3BRIDGE_POSTGRES_PASSWORD of this process, so settings never hold it.
 */
function parsePostgresUrl(url: string, env: NodeJS.ProcessEnv): PostgresSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('S3BRIDGE_POSTGRES_URL: expected postgres://user@host:port/database (the password in S3BRIDGE_POSTGRES_PASSWORD)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`S3BRIDGE_POSTGRES_URL: expected a postgres:// URL, got a ${parsed.protocol}// one`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!parsed.hostname || !database || !parsed.username) {
    throw new Error('S3BRIDGE_POSTGRES_URL: expected postgres://user@host:port/database (user, host and database are required)');
  }
  if (parsed.password) env.S3BRIDGE_POSTGRES_PASSWORD ??= decodeURIComponent(parsed.password);
  return {
    host: parsed.hostname, port: parsed.port ? Number(parsed.port) : 5432, database,
    user: decodeURIComponent(parsed.username), passwordEnv: 'S3BRIDGE_POSTGRES_PASSWORD',
  };
}

function sharedStore(env: NodeJS.ProcessEnv): Pick<Settings, 'postgres' | 'lake'> {
  if (!env.S3BRIDGE_POSTGRES_URL) throw new Error('S3BRIDGE_STORE=shared needs S3BRIDGE_POSTGRES_URL (postgres://user@host:port/database)');
  const dataPath = env.S3BRIDGE_LAKE_DATA_PATH;
  if (!dataPath || !/^s3:\/\/[^/]+/.test(dataPath)) {
    throw new Error(`S3BRIDGE_STORE=shared needs S3BRIDGE_LAKE_DATA_PATH=s3://bucket/prefix/ (where the lake's Parquet files go)${dataPath ? `, got ${JSON.stringify(dataPath)}` : ''}`);
  }
  return {
    postgres: parsePostgresUrl(env.S3BRIDGE_POSTGRES_URL, env),
    lake: {
      dataPath: dataPath.endsWith('/') ? dataPath : `${dataPath}/`,
      region: env.S3BRIDGE_LAKE_S3_REGION ?? env.AWS_REGION ?? 'us-east-1',
      endpoint: lakeEndpoint(env),
      accessKeyIdEnv: env.S3BRIDGE_LAKE_S3_ACCESS_KEY_ID ? 'S3BRIDGE_LAKE_S3_ACCESS_KEY_ID' : 'AWS_ACCESS_KEY_ID',
      secretAccessKeyEnv: env.S3BRIDGE_LAKE_S3_SECRET_ACCESS_KEY ? 'S3BRIDGE_LAKE_S3_SECRET_ACCESS_KEY' : 'AWS_SECRET_ACCESS_KEY',
    },
  };
}

/** host:port of an endpoint URL (the port its scheme implies when it names none). */
function endpointHostPort(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

/** The lake's S3-compatible endpoint, when it has one (AWS otherwise). */
function lakeEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  return env.S3BRIDGE_LAKE_S3_ENDPOINT ?? env.S3BRIDGE_S3_ENDPOINT;
}

/** S3BRIDGE_ENDPOINT_ALLOW, plus the endpoints the worker is configured with: the local S3 service and the lake's. */
function endpointAllow(env: NodeJS.ProcessEnv, lake: string | undefined): string[] {
  const listed = (env.S3BRIDGE_ENDPOINT_ALLOW ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  const configured = [env.S3BRIDGE_S3_ENDPOINT, lake].filter((e): e is string => Boolean(e)).map(endpointHostPort);
  return [...new Set([...listed, ...configured.map((e) => e.toLowerCase())])];
}

function workerCredentialsSetting(value: string | undefined): Settings['workerCredentials'] {
  if (value === undefined || value === '' || value === 'off') return 'off';
  if (value === 'stored') return 'stored';
  throw new Error(`S3BRIDGE_WORKER_CREDENTIALS: expected "off" or "stored" (stored connections may use the worker's own AWS credentials), got ${JSON.stringify(value)}`);
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const dataDir = path.resolve(env.S3BRIDGE_DATA_DIR ?? DEFAULTS.S3BRIDGE_DATA_DIR);
  if (GLOB_CHARACTERS.test(dataDir)) {
    throw new Error(`S3BRIDGE_DATA_DIR ${JSON.stringify(dataDir)} contains one of * ? [ ] { } \\, which DuckDB would read as a pattern; choose another folder`);
  }
  const memoryLimit = env.S3BRIDGE_DUCKDB_MEMORY_LIMIT ?? DEFAULTS.S3BRIDGE_DUCKDB_MEMORY_LIMIT;
  parseByteSize(memoryLimit, 'S3BRIDGE_DUCKDB_MEMORY_LIMIT');
  const store = env.S3BRIDGE_STORE ?? DEFAULTS.S3BRIDGE_STORE;
  if (store !== 'embedded' && store !== 'shared') throw new Error(`S3BRIDGE_STORE: expected "embedded" or "shared", got ${JSON.stringify(store)}`);
  const temporal = temporalProfile(env);
  return {
    store,
    ...(store === 'shared' ? sharedStore(env) : {}),
    workerIdentity: env.S3BRIDGE_WORKER_IDENTITY || undefined,
    temporalAddress: temporal.connectionOptions.address,
    temporalNamespace: temporal.namespace,
    taskQueue: env.S3BRIDGE_TASK_QUEUE ?? DEFAULTS.S3BRIDGE_TASK_QUEUE,
    dataDir,
    warehousePath: path.resolve(env.S3BRIDGE_WAREHOUSE ?? path.join(dataDir, 'warehouse.duckdb')),
    duckdbExtensionDir: env.S3BRIDGE_DUCKDB_EXTENSION_DIR || undefined,
    duckdbMemoryLimit: memoryLimit,
    duckdbThreads: env.S3BRIDGE_DUCKDB_THREADS ? Number(env.S3BRIDGE_DUCKDB_THREADS) : undefined,
    secretEnvAllow: parseSecretEnvAllow(env.S3BRIDGE_SECRET_ENV_ALLOW ?? defaultSecretEnvAllow(env)),
    secretsDir: env.S3BRIDGE_SECRETS_DIR ? path.resolve(env.S3BRIDGE_SECRETS_DIR) : undefined,
    endpointAllow: endpointAllow(env, store === 'shared' ? lakeEndpoint(env) : undefined),
    dnsServers: env.S3BRIDGE_DNS_SERVERS ? env.S3BRIDGE_DNS_SERVERS.split(',').map((d) => d.trim()).filter(Boolean) : undefined,
    workerCredentials: workerCredentialsSetting(env.S3BRIDGE_WORKER_CREDENTIALS),
    workerCredentialsEndpoints: (env.S3BRIDGE_WORKER_CREDENTIALS_ENDPOINTS ?? '').split(',').map((e) => e.trim()).filter(Boolean).map(endpointOrigin),
    duckdbMaxTempSize: env.S3BRIDGE_DUCKDB_MAX_TEMP_SIZE ?? DEFAULTS.S3BRIDGE_DUCKDB_MAX_TEMP_SIZE,
    directLoadMinFileBytes: env.S3BRIDGE_DIRECT_LOAD_MIN_FILE_SIZE === 'off'
      ? undefined
      : parseByteSize(env.S3BRIDGE_DIRECT_LOAD_MIN_FILE_SIZE ?? DEFAULTS.S3BRIDGE_DIRECT_LOAD_MIN_FILE_SIZE, 'S3BRIDGE_DIRECT_LOAD_MIN_FILE_SIZE'),
    // Half the machine's memory unless told: the rest is Node, Temporal's core and the OS page cache.
    workerMemoryBudget: env.S3BRIDGE_WORKER_MEMORY_BUDGET
      ? parseByteSize(env.S3BRIDGE_WORKER_MEMORY_BUDGET, 'S3BRIDGE_WORKER_MEMORY_BUDGET')
      : Math.floor(os.totalmem() / 2),
    temporalUiUrl: (env.S3BRIDGE_TEMPORAL_UI ?? DEFAULTS.S3BRIDGE_TEMPORAL_UI).replace(/\/$/, ''),
    metricsAddress: env.S3BRIDGE_METRICS_ADDRESS ?? (env.S3BRIDGE_METRICS_PORT ? `127.0.0.1:${env.S3BRIDGE_METRICS_PORT}` : undefined),
  };
}
