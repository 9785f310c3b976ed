import type { ActivityDeps } from './deps';
import { createResolveConnection } from './connections/resolve-connection';
import { createCheckSetup } from './setup/check-setup';

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    resolveConnection: createResolveConnection(deps),
    checkSetup: createCheckSetup(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';
