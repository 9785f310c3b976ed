import type { ActivityDeps } from '../deps';

export interface SetDestinationStatesInput {
  changes: { name: string; enabled: boolean; reason: string }[];
}

export function createSetDestinationStates({ catalog }: ActivityDeps) {
  /** Enables or disables destinations in the catalog in one transaction; refuses two enabled destinations writing one location. */
  return async function setDestinationStatesActivity({ changes }: SetDestinationStatesInput): Promise<void> {
    await catalog.setDestinationStates(changes);
  };
}
