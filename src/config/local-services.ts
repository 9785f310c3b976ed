import path from 'node:path';
import type { SourceConnection } from '../workflow-safe/connection';
import { DEFAULTS } from './environment-variables';

/**
 * Defaults of the local services that scripts/services.sh starts (keep the two in step).
 * Used by the demo and the tests; a real deployment configures its own connections.
 */
export const PROJECT_ROOT = path.resolve(__dirname, compiled() ? '../../..' : '../..');

/** True when this module runs from dist/ (`npm run build`), one folder deeper than its source. */
function compiled(): boolean {
  return path.extname(__filename) === '.js';
}

export function localServiceEnv(env: NodeJS.ProcessEnv = process.env) {
  env.MINIO_ROOT_USER ??= DEFAULTS.MINIO_ROOT_USER;
  env.MINIO_ROOT_PASSWORD ??= DEFAULTS.MINIO_ROOT_PASSWORD;
  env.TEMPORAL_ADDRESS ??= DEFAULTS.TEMPORAL_ADDRESS;
  env.S3BRIDGE_S3_ENDPOINT ??= DEFAULTS.S3BRIDGE_S3_ENDPOINT;
  env.S3BRIDGE_DUCKDB_EXTENSION_DIR ??= path.join(PROJECT_ROOT, '.tools/duckdb-extensions');
  // The loopback Postgres of `services.sh start` with S3BRIDGE_WITH_POSTGRES=1 (the shared setup).
  env.S3BRIDGE_POSTGRES_PASSWORD ??= env.S3BRIDGE_LOCAL_POSTGRES_PASSWORD ?? DEFAULTS.S3BRIDGE_LOCAL_POSTGRES_PASSWORD;
  return {
    temporalAddress: env.TEMPORAL_ADDRESS,
    temporalUi: `http://${env.TEMPORAL_ADDRESS.split(':')[0]}:${env.TEMPORAL_UI_PORT ?? DEFAULTS.TEMPORAL_UI_PORT}`,
    s3Endpoint: env.S3BRIDGE_S3_ENDPOINT,
  };
}

/** The loopback Postgres that scripts/services.sh starts (its password in S3BRIDGE_POSTGRES_PASSWORD). */
export const LOCAL_POSTGRES = { host: '127.0.0.1', port: 55432, user: 's3bridge', database: 's3bridge' } as const;

/** A source connection to the local MinIO with its root user, by reference to the env variables. */
export function localSourceConnection(
  overrides: Partial<SourceConnection> & Pick<SourceConnection, 'name' | 'bucket'>,
): SourceConnection {
  return {
    direction: 'source',
    region: 'us-east-1',
    prefix: '',
    format: 'auto',
    partitioning: 'auto',
    endpoint: process.env.S3BRIDGE_S3_ENDPOINT ?? 'http://127.0.0.1:9000',
    forcePathStyle: true,
    auth: { type: 'static-keys', accessKeyId: 'env:MINIO_ROOT_USER', secretAccessKey: 'env:MINIO_ROOT_PASSWORD' },
    ...overrides,
  };
}
