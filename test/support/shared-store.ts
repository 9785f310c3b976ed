import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { PostgresSettings, Settings } from '../../src/config/settings';
import { LOCAL_POSTGRES } from '../../src/config/local-services';
import { queryRows, type SqlParams } from '../../src/duckdb/query-rows';
import { quoteIdentifier, quoteLiteral } from '../../src/duckdb/sql';
import type { TestEnv } from './harness';

/** A Postgres server tests make databases in: its address, superuser and the variable holding the password. */
export type PostgresServer = Omit<PostgresSettings, 'database'>;

/** The shared loopback Postgres of scripts/services.sh. */
const LOCAL_POSTGRES_SERVER: PostgresServer = { host: LOCAL_POSTGRES.host, port: LOCAL_POSTGRES.port, user: LOCAL_POSTGRES.user, passwordEnv: 'S3BRIDGE_POSTGRES_PASSWORD' };

/** A plain DuckDB (not s3bridge's) with the extensions and `database` of that server as default Postgres secret. */
async function plainDuckDB(postgres: PostgresSettings) {
  const instance = await DuckDBInstance.create(':memory:', { extension_directory: process.env.S3BRIDGE_DUCKDB_EXTENSION_DIR! });
  const db = await instance.connect();
  for (const ext of ['httpfs', 'postgres', 'ducklake']) await db.run(`LOAD ${ext}`);
  await db.run(`CREATE SECRET (TYPE postgres, HOST $host, PORT $port, DATABASE $database, USER $user, PASSWORD $password)`,
    { host: postgres.host, port: String(postgres.port), database: postgres.database, user: postgres.user, password: process.env[postgres.passwordEnv]! });
  return { instance, db };
}

/**
 * Settings of the shared setup for this test: a Postgres database of its own (created here, on
 * the shared Postgres unless a test passes its private one) for the catalog and the lake's
 * metadata, the lake's data under s3://<test bucket>/lake/.
 */
export async function sharedSettings(env: Pick<TestEnv, 'id' | 'bucket' | 'settings'>, server: PostgresServer = LOCAL_POSTGRES_SERVER): Promise<Settings> {
  process.env.S3BRIDGE_POSTGRES_PASSWORD ??= 's3bridge-local-pg';
  process.env.S3BRIDGE_LAKE_S3_ACCESS_KEY_ID ??= process.env.MINIO_ROOT_USER;
  process.env.S3BRIDGE_LAKE_S3_SECRET_ACCESS_KEY ??= process.env.MINIO_ROOT_PASSWORD;
  const database = `t_${env.id.replace(/[^a-z0-9]/g, '_')}`;
  const { instance, db } = await plainDuckDB({ ...server, database: 'postgres' });
  try {
    await db.run("ATTACH '' AS admin (TYPE postgres)");
    await db.run(`CALL postgres_execute('admin', ${quoteLiteral(`CREATE DATABASE ${quoteIdentifier(database)}`)}, use_transaction := false)`);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
  return {
    ...env.settings,
    store: 'shared',
    postgres: { ...server, database },
    lake: {
      dataPath: `s3://${env.bucket}/lake/`,
      region: 'us-east-1',
      endpoint: process.env.S3BRIDGE_S3_ENDPOINT,
      accessKeyIdEnv: 'S3BRIDGE_LAKE_S3_ACCESS_KEY_ID',
      secretAccessKeyEnv: 'S3BRIDGE_LAKE_S3_SECRET_ACCESS_KEY',
    },
  };
}

/**
 * Reads the lake as any DuckDB user would (docs/scaling-out.md, "Reading the lake from any DuckDB"): attach it read-only with the
 * Postgres secret and an S3 secret, then query. Numbers come back as JS numbers.
 */
export async function readLake<T extends object>(settings: Settings, sql: string, params?: SqlParams): Promise<T[]> {
  const rows = await withLake(settings, (db) => queryRows<Record<string, unknown>>(db, sql, params), { readOnly: true });
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])) as T);
}

/** Runs `fn` on a plain DuckDB whose default catalog is the lake (writable unless `readOnly`), as any DuckDB user attaches it. */
export async function withLake<T>(settings: Settings, fn: (db: DuckDBConnection) => Promise<T>, { readOnly = false } = {}): Promise<T> {
  const { instance, db } = await plainDuckDB(settings.postgres!);
  try {
    await db.run(`CREATE SECRET (TYPE s3, KEY_ID $key, SECRET $secret, REGION 'us-east-1', ENDPOINT $endpoint, USE_SSL false, URL_STYLE 'path')`,
      { key: process.env.MINIO_ROOT_USER!, secret: process.env.MINIO_ROOT_PASSWORD!, endpoint: new URL(process.env.S3BRIDGE_S3_ENDPOINT!).host });
    await db.run(`ATTACH 'ducklake:postgres:' AS lake (METADATA_SCHEMA 'ducklake'${readOnly ? ', READ_ONLY' : `, DATA_PATH ${quoteLiteral(settings.lake!.dataPath)}`})`);
    await db.run('USE lake');
    return await fn(db);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
