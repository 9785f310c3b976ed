import type { DuckDBConnection } from '@duckdb/node-api';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Settings } from '../config/settings';
import type { Connection } from '../workflow-safe/connection';
import { createDuckDB, loadHttpfs, lockDown, type OpenDuckDB } from './create-duckdb';
import { acquireMemorySlot } from './memory-slots';
import { withConnection } from './with-connection';
import { bucketAddressing } from '../s3/bucket-addressing';

/**
 * The URL DuckDB reads one object by. Every S3 instance runs in `s3_url_compatibility_mode`,
 * so the key is taken literally: no glob expansion of `*`, `?`, `[`, `\` and no
 * `?s3_endpoint=...` settings parsed from it (httpfs percent-encodes it on the wire).
 */
export function s3ObjectUrl(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * Hands credentials to DuckDB as a temporary secret scoped to the connection's bucket.
 * Values are bound parameters: they never appear in SQL text, logs or errors. Run again
 * with fresh credentials to replace them (assume-role sessions expire).
 */
export async function createS3Secret(
  db: DuckDBConnection,
  connection: Connection,
  credentials: AwsCredentialIdentity,
): Promise<void> {
  const endpoint = connection.endpoint ? new URL(connection.endpoint) : undefined;
  const params: Record<string, string | boolean> = {
    key_id: credentials.accessKeyId,
    secret: credentials.secretAccessKey,
    session_token: credentials.sessionToken ?? '',
    region: connection.region,
    scope: `s3://${connection.bucket}`,
  };
  let extra = '';
  if (endpoint) {
    params.endpoint = endpoint.host;
    params.use_ssl = endpoint.protocol === 'https:';
    extra = ', ENDPOINT $endpoint, USE_SSL $use_ssl';
  }
  // The same addressing as the AWS SDK client (an IP endpoint cannot serve <bucket>.<ip>).
  extra += bucketAddressing(connection) === 'path' ? ", URL_STYLE 'path'" : ", URL_STYLE 'vhost'";
  await db.run(
    `CREATE OR REPLACE TEMPORARY SECRET s3bridge_source (TYPE s3, KEY_ID $key_id, SECRET $secret,
       SESSION_TOKEN $session_token, REGION $region, SCOPE $scope${extra})`,
    params,
  );
}

/** Takes the connection's S3 secret away again (a warehouse that read a day in its commit). */
export async function dropS3Secret(db: DuckDBConnection): Promise<void> {
  await db.run('DROP TEMPORARY SECRET IF EXISTS s3bridge_source');
}

export interface S3DuckDBOptions {
  /** Local folders the instance may read and write besides its spill folder (a load's staging). */
  localDirectories?: string[];
  /** Bytes the instance may read over its life, whatever servers send (samples and probes; a load reads what it needs). */
  readBudgetBytes?: number;
}

/** What a sample's or discovery batch's DuckDB may read: a first row group of wide Parquet fits, a whole hostile object does not. */
export const SAMPLE_READ_BUDGET_BYTES = 256 * 1024 * 1024;

/**
 * Opens an in-memory DuckDB that can read the connection's bucket and nothing else: httpfs
 * from the vendored folder, keys read literally, the temporary S3 secret, file access
 * limited to the bucket and the given folders, configuration locked. It takes one of the
 * worker's memory slots (waiting for one when all are in use) until it is closed.
 */
export async function openS3DuckDB(
  settings: Settings,
  connection: Connection,
  credentials: AwsCredentialIdentity,
  options: S3DuckDBOptions = {},
): Promise<OpenDuckDB> {
  const release = await acquireMemorySlot(settings);
  let opened: OpenDuckDB | undefined;
  try {
    const created = await createDuckDB(settings);
    opened = created;
    if (options.readBudgetBytes !== undefined) created.egress.limitReads(options.readBudgetBytes);
    await withConnection(created.instance, async (db) => {
      await loadHttpfs(db, settings, created.egress);
      await db.run('SET GLOBAL s3_url_compatibility_mode = true');
      await db.run("SET GLOBAL TimeZone = 'UTC'");
      // Footers and object metadata (HEAD) read once per load: the day's schema query, its row
      // count and its scan share them. The instance lives for one activity; an object rewritten
      // meanwhile still fails httpfs's ETag check on the data read, which is retried.
      await db.run('SET GLOBAL parquet_metadata_cache = true');
      await db.run('SET GLOBAL enable_http_metadata_cache = true');
      await createS3Secret(db, connection, credentials);
      const folders = (options.localDirectories ?? []).map((d) => (d.endsWith('/') ? d : `${d}/`));
      await lockDown(db, [`s3://${connection.bucket}/`, ...folders]);
    });
  } catch (error) {
    opened?.close();
    release();
    throw error;
  }
  const inner = opened;
  return { ...opened, close: () => { try { inner.close(); } finally { release(); } } };
}

/**
 * Runs `fn` with an in-memory DuckDB that can read the connection's bucket; closes it after.
 * `withAnother` runs a read on another connection to the same instance, for reads side by side.
 * Anything the egress gate refused the instance (an address, a read past its budget) fails the
 * call non-retryably with the gate's reason.
 */
export async function withS3DuckDB<T>(
  settings: Settings,
  connection: Connection,
  credentials: AwsCredentialIdentity,
  fn: (db: DuckDBConnection, withAnother: <R>(read: (db: DuckDBConnection) => Promise<R>) => Promise<R>) => Promise<T>,
  options: S3DuckDBOptions = {},
): Promise<T> {
  const opened = await openS3DuckDB(settings, connection, credentials, options);
  try {
    return await failOnEgressRefusal(opened, () => withConnection(opened.instance, (db) => fn(db, (read) => withConnection(opened.instance, read))));
  } finally {
    opened.close();
  }
}

/**
 * Runs `fn` with an open instance; when the egress gate refused the instance anything meanwhile,
 * fails with the gate's reason, non-retryably: also when DuckDB shrugged the refusal off (a read
 * reported as unreadable, a retried transfer) or worded it its own way ("Proxy connection failed").
 */
export async function failOnEgressRefusal<T>(opened: OpenDuckDB, fn: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    throw opened.egress.failure() ?? error;
  }
  const refused = opened.egress.failure();
  if (refused) throw refused;
  return result;
}
