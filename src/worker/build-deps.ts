import os from 'node:os';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Settings } from '../config/settings';
import type { ActivityDeps } from '../../activities/deps';
import { SqlCatalogStore } from '../catalog/sql-catalog-store';
import { EmbeddedWarehouse } from '../warehouse/embedded-database';
import { embeddedSink, SqlWarehouseSink } from '../warehouse/sql-warehouse-sink';
import { CATALOG_DB, LAKE_DB, SharedDuckDB } from '../lake/shared-duckdb';
import { retryConflicts } from '../lake/retry-conflicts';

/** The activities' dependencies, the store they were built on, and how to release them (the shared setup holds a DuckDB open). */
export interface BuiltDeps extends ActivityDeps {
  /** Runs `fn` on the store's own DuckDB connection (the embedded file; the shared setup's catalog database). */
  withStore<T>(fn: (db: DuckDBConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A worker's commits come one after another: its file stays open a moment between them. */
const WORKER_IDLE_CLOSE_MS = 1_000;

/** This process's identity in the ledger, in Temporal's default form. */
export function workerIdentity(settings: Settings): string {
  return settings.workerIdentity ?? `${process.pid}@${os.hostname()}`;
}

/**
 * The one place that builds the catalog store and the warehouse sink, from S3BRIDGE_STORE:
 * "embedded" (the default) keeps both in the local DuckDB file, one EmbeddedWarehouse object
 * shared by both; "shared" puts the catalog in Postgres and the warehouse in a DuckLake (metadata
 * in that Postgres, data in S3). A worker (`worker: true`) keeps the file open between commits
 * and lets the warehouse read source buckets (direct loads); the CLI builds its own the same way.
 * Nothing lives in module state: two calls build two independent sets.
 */
export function buildDeps(settings: Settings, { worker = false }: { worker?: boolean } = {}): BuiltDeps {
  const loadedBy = workerIdentity(settings);
  if (settings.store === 'shared') {
    const shared = new SharedDuckDB(settings);
    const withCatalog = <T>(fn: (db: DuckDBConnection) => Promise<T>) => shared.use(CATALOG_DB, fn);
    return {
      settings,
      catalog: new SqlCatalogStore((fn) => retryConflicts(() => withCatalog(fn))),
      sink: new SqlWarehouseSink({ withDb: (fn) => shared.use(LAKE_DB, fn), loadedBy, retry: retryConflicts }),
      withStore: withCatalog,
      close: () => shared.close(),
    };
  }
  const warehouse = new EmbeddedWarehouse(settings, worker
    ? { idleCloseMs: WORKER_IDLE_CLOSE_MS, readSources: settings.directLoadMinFileBytes !== undefined }
    : {});
  return {
    settings,
    catalog: new SqlCatalogStore((fn) => warehouse.use(fn)),
    sink: embeddedSink(warehouse, loadedBy),
    withStore: (fn) => warehouse.use(fn),
    close: () => warehouse.closeIdle(),
  };
}
