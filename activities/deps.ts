import type { Settings } from '../src/config/settings';
import type { CatalogStore } from '../src/catalog/catalog-store';
import type { WarehouseSink } from '../src/warehouse/warehouse-sink';

/**
 * What every activity factory is given, built once per worker (src/worker/build-deps.ts):
 * no activity opens a database by path. Tests build the same with their own settings.
 */
export interface ActivityDeps {
  settings: Settings;
  /** s3bridge's catalog: the embedded DuckDB file, or Postgres in the shared setup. */
  catalog: CatalogStore;
  /** Where imported rows go: the embedded DuckDB file, or a DuckLake in the shared setup. */
  sink: WarehouseSink;
}
