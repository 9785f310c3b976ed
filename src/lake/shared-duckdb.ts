import type { DuckDBConnection } from '@duckdb/node-api';
import type { LakeSettings, PostgresSettings, Settings } from '../config/settings';
import { createDuckDB, loadHttpfs, lockDown, type OpenDuckDB } from '../duckdb/create-duckdb';
import { quoteIdentifier, quoteLiteral } from '../duckdb/sql';
import { withConnection } from '../duckdb/with-connection';

/** The catalog names the shared setup attaches: s3bridge's catalog (Postgres) and the lake (DuckLake). */
export const CATALOG_DB = 's3bridge_catalog';
export const LAKE_DB = 's3bridge_lake';
/** The Postgres schema that holds DuckLake's own metadata tables (s3bridge's catalog is schema "s3bridge"). */
const LAKE_METADATA_SCHEMA = 'ducklake';

function requiredEnv(name: string, what: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`the shared setup needs ${what} in ${name}`);
  return value;
}

async function loadExtension(db: DuckDBConnection, settings: Settings, name: string): Promise<void> {
  if (!settings.duckdbExtensionDir) await db.run(`INSTALL ${name}`);
  await db.run(`LOAD ${name}`);
}

/**
 * Secrets by bound values, so the password and keys appear in no SQL text, log or error:
 * DuckDB's postgres errors print the connection string, which stays empty ('') here.
 */
async function createSecrets(db: DuckDBConnection, postgres: PostgresSettings, lake: LakeSettings): Promise<void> {
  await db.run(`CREATE OR REPLACE TEMPORARY SECRET __default_postgres (TYPE postgres, HOST $host, PORT $port, DATABASE $database,
    USER $user, PASSWORD $password)`, {
    host: postgres.host, port: String(postgres.port), database: postgres.database, user: postgres.user,
    password: requiredEnv(postgres.passwordEnv, 'the Postgres password'),
  });
  const bucket = /^s3:\/\/([^/]+)/.exec(lake.dataPath)![1]!;
  const params: Record<string, string | boolean> = {
    key_id: requiredEnv(lake.accessKeyIdEnv, "the lake bucket's access key id"),
    secret: requiredEnv(lake.secretAccessKeyEnv, "the lake bucket's secret access key"),
    region: lake.region, scope: `s3://${bucket}`,
  };
  let extra = '';
  if (lake.endpoint) {
    const endpoint = new URL(lake.endpoint);
    params.endpoint = endpoint.host;
    params.use_ssl = endpoint.protocol === 'https:';
    extra = ", ENDPOINT $endpoint, USE_SSL $use_ssl, URL_STYLE 'path'";
  }
  await db.run(`CREATE OR REPLACE TEMPORARY SECRET s3bridge_lake_s3 (TYPE s3, KEY_ID $key_id, SECRET $secret, REGION $region, SCOPE $scope${extra})`, params);
}

/**
 * A Postgres connection that died under the caller: the server restarted, failed over or dropped
 * it. DuckDB's postgres extension keeps the connections it opened in a cache and drops a dead one
 * only when a query fails on it, so after a restart each cached connection fails one call.
 * DuckLake reports a commit cut off so as a ROLLBACK that failed (its message empty).
 */
const LOST_CONNECTION = /server closed the connection unexpectedly|Failed to execute query "ROLLBACK"|terminating connection due to administrator command|no connection to the server|SSL connection has been closed unexpectedly|connection to server .* failed|could not connect to server/i;

export function isLostConnection(error: unknown): boolean {
  return LOST_CONNECTION.test(error instanceof Error ? error.message : String(error));
}

/** An open instance and the calls running on it: a retired one closes when the last of them ends. */
interface Held {
  opened: OpenDuckDB;
  users: number;
  retired: boolean;
  closed: boolean;
}

function closeIfDone(held: Held): void {
  if (!held.retired || held.users > 0 || held.closed) return;
  held.closed = true;
  held.opened.close();
}

/**
 * One in-memory DuckDB per worker process for the shared setup: the Postgres database attached
 * as s3bridge's catalog, the DuckLake (metadata in the same Postgres, data under the lake's S3
 * path) as the warehouse. Connections are cheap; each call takes its own and picks its catalog.
 */
export class SharedDuckDB {
  private current: Promise<Held> | undefined;

  constructor(private readonly settings: Settings) {}

  private open(): Promise<Held> {
    this.current ??= this.attach().then((opened) => ({ opened, users: 0, retired: false, closed: false }), (error: unknown) => {
      this.current = undefined;
      throw error;
    });
    return this.current;
  }

  private async attach(): Promise<OpenDuckDB> {
    const { settings } = this;
    const { postgres, lake } = settings;
    if (!postgres || !lake) throw new Error('the shared setup needs S3BRIDGE_POSTGRES_URL and S3BRIDGE_LAKE_DATA_PATH');
    const opened = await createDuckDB(settings);
    try {
      await withConnection(opened.instance, async (db) => {
        // httpfs as every instance loads it: without the worker's AWS_* environment in its settings.
        await loadHttpfs(db, settings, opened.egress);
        for (const name of ['postgres', 'ducklake']) await loadExtension(db, settings, name);
        await db.run("SET GLOBAL TimeZone = 'UTC'");
        await createSecrets(db, postgres, lake);
        await db.run(`ATTACH '' AS ${quoteIdentifier(CATALOG_DB)} (TYPE postgres)`);
        await db.run(`ATTACH 'ducklake:postgres:' AS ${quoteIdentifier(LAKE_DB)}
          (DATA_PATH ${quoteLiteral(lake.dataPath)}, METADATA_SCHEMA ${quoteLiteral(LAKE_METADATA_SCHEMA)})`);
        // Staged Parquet files under the data dir, the lake's data path; nothing else.
        await lockDown(db, [`${settings.dataDir}/`, lake.dataPath]);
      });
      return opened;
    } catch (error) {
      opened.close();
      throw error;
    }
  }

  /** No new call gets this instance; it closes once the calls still on it end. */
  private async retire(held: Promise<Held>): Promise<void> {
    if (this.current === held) this.current = undefined;
    const h = await held.catch(() => undefined);
    if (!h) return;
    h.retired = true;
    closeIfDone(h);
  }

  /**
   * Runs `fn` on a fresh connection whose default catalog is `catalog`. A call that loses its
   * Postgres connection fails as it would anyway (Temporal retries the activity), and retires the
   * instance with every cached connection, so the next call connects afresh instead of failing on
   * each dead connection in turn.
   */
  async use<T>(catalog: string, fn: (db: DuckDBConnection) => Promise<T>): Promise<T> {
    const current = this.open();
    const held = await current;
    held.users += 1;
    try {
      return await withConnection(held.opened.instance, async (db) => {
        await db.run(`USE ${quoteIdentifier(catalog)}`);
        return fn(db);
      });
    } catch (error) {
      if (isLostConnection(error)) void this.retire(current);
      throw error;
    } finally {
      held.users -= 1;
      closeIfDone(held);
    }
  }

  async close(): Promise<void> {
    if (this.current) await this.retire(this.current);
  }
}
