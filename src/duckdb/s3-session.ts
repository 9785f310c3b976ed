import type { DuckDBConnection } from '@duckdb/node-api';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Settings } from '../config/settings';
import type { Connection } from '../shared/connection';
import { createDuckDB, loadHttpfs } from './create-duckdb';

/**
 * Hands credentials to DuckDB as a temporary secret scoped to the connection's bucket.
 * Values are bound parameters: they never appear in SQL text, logs or errors.
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
  if (connection.forcePathStyle ?? endpoint !== undefined) extra += ", URL_STYLE 'path'";
  await db.run(
    `CREATE OR REPLACE TEMPORARY SECRET s3bridge_source (TYPE s3, KEY_ID $key_id, SECRET $secret,
       SESSION_TOKEN $session_token, REGION $region, SCOPE $scope${extra})`,
    params,
  );
}

/** Runs `fn` with an in-memory DuckDB that can read the connection's bucket; closes it after. */
export async function withS3DuckDB<T>(
  settings: Settings,
  connection: Connection,
  credentials: AwsCredentialIdentity,
  fn: (db: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const instance = await createDuckDB(settings);
  const db = await instance.connect();
  try {
    await loadHttpfs(db, settings);
    await createS3Secret(db, connection, credentials);
    return await fn(db);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
