import type { Connection, ConnectionRef } from '../../src/workflow-safe/connection';
import type { ActivityDeps } from '../deps';

export interface ResolveConnectionInput {
  connection: ConnectionRef;
}

export function createResolveConnection({ catalog }: ActivityDeps) {
  /** Looks a connection up in the catalog by name; an inline one is returned as given, unless a stored one has its name. */
  return async function resolveConnection({ connection }: ResolveConnectionInput): Promise<Connection> {
    if (typeof connection === 'string') return catalog.getConnection(connection);
    await catalog.refuseInlineShadowing(connection.name);
    return connection;
  };
}
