import type { DuckDBInstance } from '@duckdb/node-api';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Settings } from '../config/settings';
import type { Connection } from '../shared/connection';
import { createDuckDB, loadHttpfs } from '../duckdb/create-duckdb';
import { createS3Secret } from '../duckdb/s3-session';

/**
 * An in-memory DuckDB shared by the tables of one batch: httpfs and the temporary S3 secret
 * are instance-wide, so each table opens a cheap connection of its own and runs in parallel.
 */
export async function openDiscoveryDuckDB(settings: Settings, connection: Connection, credentials: AwsCredentialIdentity): Promise<DuckDBInstance> {
  const instance = await createDuckDB(settings);
  const db = await instance.connect();
  try {
    await loadHttpfs(db, settings);
    await createS3Secret(db, connection, credentials);
  } catch (error) {
    db.closeSync();
    instance.closeSync();
    throw error;
  }
  db.closeSync();
  return instance;
}
