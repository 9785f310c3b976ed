import type { DestinationState } from '../../src/catalog/destination-store';
import type { ActivityDeps } from '../deps';

export interface ReadDestinationStatesInput {
  names: string[];
}

export function createDestinationStateActivities({ catalog }: ActivityDeps) {
  return {
    /** The destinations' states in the catalog (enabled, reason), as a migration finds them: what its rollback restores. */
    async readDestinationStates({ names }: ReadDestinationStatesInput): Promise<DestinationState[]> {
      const states: DestinationState[] = [];
      for (const name of names) states.push(await catalog.destinationState(name));
      return states;
    },
    /** Puts destinations back as `states` say (a rolled-back migration); idempotent. */
    async restoreDestinationStates({ states }: { states: DestinationState[] }): Promise<void> {
      await catalog.restoreDestinationStates(states);
    },
  };
}
