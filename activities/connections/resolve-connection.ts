import type { Connection, ConnectionRef } from '../../src/shared/connection';
import { getConnection, refuseInlineShadowing } from '../../src/catalog/connection-store';
import { withWarehouse } from '../../src/warehouse/embedded-database';
import type { ActivityDeps } from '../deps';

export interface ResolveConnectionInput {
  connection: ConnectionRef;
}

export function createResolveConnection({ settings }: ActivityDeps) {
  /** Looks a connection up in the catalog by name; an inline one is returned as given, unless a stored one has its name. */
  return async function resolveConnection({ connection }: ResolveConnectionInput): Promise<Connection> {
    return withWarehouse(settings, async (db) => {
      if (typeof connection === 'string') return getConnection(db, connection);
      await refuseInlineShadowing(db, connection.name);
      return connection;
    });
  };
}
