import type { Settings } from '../config/settings';
import type { CatalogStore } from '../catalog/catalog-store';
import { buildDeps } from '../worker/build-deps';

/** Runs `fn` with a catalog and releases it after. */
export type CatalogSession = <T>(fn: (catalog: CatalogStore) => Promise<T>) => Promise<T>;

/** Runs `fn` with the configured catalog (embedded file or shared Postgres), released after. */
export async function withCatalog<T>(settings: Settings, fn: (catalog: CatalogStore) => Promise<T>): Promise<T> {
  const deps = buildDeps(settings);
  try {
    return await deps.catalog.session(fn);
  } finally {
    await deps.close();
  }
}

/** Where the catalog lives, for messages (never the password). */
export function catalogLocation(settings: Settings): string {
  const pg = settings.postgres;
  return settings.store === 'shared' && pg ? `postgres://${pg.user}@${pg.host}:${pg.port}/${pg.database}` : settings.warehousePath;
}
