import { setDestinationStates } from '../../src/catalog/destination-store';
import { withWarehouse } from '../../src/warehouse/embedded-database';
import type { ActivityDeps } from '../deps';

export interface SetDestinationStatesInput {
  changes: { name: string; enabled: boolean; reason: string }[];
}

export function createSetDestinationStates({ settings }: ActivityDeps) {
  /** Enables or disables destinations in the catalog in one transaction; refuses two enabled destinations writing one location. */
  return async function setDestinationStatesActivity({ changes }: SetDestinationStatesInput): Promise<void> {
    await withWarehouse(settings, (db) => setDestinationStates(db, changes));
  };
}
