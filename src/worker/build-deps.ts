import os from 'node:os';
import type { Settings } from '../config/settings';
import type { ActivityDeps } from '../../activities/deps';
import { SqlCatalogStore } from '../catalog/sql-catalog-store';
import { closeIdleWarehouses, withWarehouse } from '../warehouse/embedded-database';
import { embeddedSink, SqlWarehouseSink } from '../warehouse/sql-warehouse-sink';
import { CATALOG_DB, LAKE_DB, SharedDuckDB } from '../lake/shared-duckdb';
import { retryConflicts } from '../lake/retry-conflicts';

/** The activities' dependencies and how to release them (the shared setup holds a DuckDB open). */
export interface BuiltDeps extends ActivityDeps {
  close(): Promise<void>;
}

/** This process's identity in the ledger, in Temporal's default form. */
export function workerIdentity(settings: Settings): string {
  return settings.workerIdentity ?? `${process.pid}@${os.hostname()}`;
}

/**
 * The one place that builds the catalog store and the warehouse sink, from S3BRIDGE_STORE:
 * "embedded" (the default) keeps both in the local DuckDB file; "shared" puts the catalog in
 * Postgres and the warehouse in a DuckLake (metadata in that Postgres, data in S3).
 */
export function buildDeps(settings: Settings): BuiltDeps {
  const loadedBy = workerIdentity(settings);
  if (settings.store === 'shared') {
    const shared = new SharedDuckDB(settings);
    return {
      settings,
      catalog: new SqlCatalogStore((fn) => retryConflicts(() => shared.use(CATALOG_DB, fn))),
      sink: new SqlWarehouseSink({ withDb: (fn) => shared.use(LAKE_DB, fn), writeKey: `lake:${LAKE_DB}`, loadedBy, retry: retryConflicts }),
      close: () => shared.close(),
    };
  }
  return {
    settings,
    catalog: new SqlCatalogStore((fn) => withWarehouse(settings, fn)),
    sink: embeddedSink(settings, loadedBy),
    close: () => closeIdleWarehouses(),
  };
}
