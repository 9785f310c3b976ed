import type { DuckDBConnection } from '@duckdb/node-api';
import { ApplicationFailure } from '@temporalio/common';
import { destinationPlace } from '../workflow-safe/export/destination-location';
import { queryRows } from '../duckdb/query-rows';
import { inTransaction } from '../duckdb/in-transaction';
import { catalogTables } from './catalog-tables';
import { listUsableConnections } from './connection-store';
import { DESTINATION_LOCATION_IN_USE } from '../workflow-safe/failure-types';

const ensureDestinationTable = catalogTables(
  `CREATE TABLE IF NOT EXISTS s3bridge.destinations (
    name VARCHAR PRIMARY KEY,
    enabled BOOLEAN NOT NULL,
    reason VARCHAR,
    updated_at TIMESTAMPTZ NOT NULL
  )`,
);

export interface DestinationState {
  name: string;
  enabled: boolean;
  reason: string | null;
  /** Absent for a destination never enabled or disabled explicitly (enabled by default). */
  updatedAt: string | null;
}

/** A destination's state; one with no row is enabled (a new destination exports once scheduled). */
export async function destinationState(db: DuckDBConnection, name: string): Promise<DestinationState> {
  await ensureDestinationTable(db);
  const [row] = await queryRows<{ enabled: boolean; reason: string | null; updated_at: string }>(db,
    'SELECT enabled, reason, updated_at::VARCHAR AS updated_at FROM s3bridge.destinations WHERE name = $name', { name });
  return row ? { name, enabled: row.enabled, reason: row.reason, updatedAt: row.updated_at } : { name, enabled: true, reason: null, updatedAt: null };
}

/** Another enabled destination that writes where `name` writes, if any (then neither may export on schedule). */
export async function locationConflict(db: DuckDBConnection, name: string): Promise<{ other: string; location: string } | undefined> {
  const destinations = await listUsableConnections(db, 'destination');
  const self = destinations.find((c) => c.name === name);
  if (!self) return undefined;
  const location = destinationPlace(self);
  for (const other of destinations) {
    if (other.name === name || destinationPlace(other) !== location) continue;
    if ((await destinationState(db, other.name)).enabled) return { other: other.name, location };
  }
  return undefined;
}

/**
 * Sets destinations enabled or disabled together (a migration's handover is one change).
 * Disables apply first; then every destination left enabled must write a location of its own.
 */
export async function setDestinationStates(db: DuckDBConnection, changes: { name: string; enabled: boolean; reason: string }[]): Promise<void> {
  await ensureDestinationTable(db);
  await db.run('BEGIN TRANSACTION');
  try {
    for (const change of changes) {
      await db.run('INSERT OR REPLACE INTO s3bridge.destinations VALUES ($name, $enabled, $reason, now())', change);
    }
    const destinations = await listUsableConnections(db, 'destination');
    const enabled = new Map<string, string>();
    for (const connection of destinations) {
      if (!(await destinationState(db, connection.name)).enabled) continue;
      const location = destinationPlace(connection);
      const other = enabled.get(location);
      const changed = changes.find((c) => c.enabled && (c.name === connection.name || c.name === other));
      if (other && changed) {
        throw ApplicationFailure.create({
          type: DESTINATION_LOCATION_IN_USE,
          nonRetryable: true,
          message: `destinations "${other}" and "${connection.name}" would both be enabled writing ${location}: their files would overwrite each other; disable one first`,
        });
      }
      enabled.set(location, connection.name);
    }
    await db.run('COMMIT');
  } catch (error) {
    await db.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Puts destinations back exactly as `states` say (a rolled-back migration): a state read from a
 * row is written again, one without a row (enabled by default) loses its row. No location check:
 * what was is restored, even two enabled destinations writing one place (scheduled runs refuse
 * to export such a pair anyway).
 */
export async function restoreDestinationStates(db: DuckDBConnection, states: DestinationState[]): Promise<void> {
  await ensureDestinationTable(db);
  await inTransaction(db, async () => {
    for (const state of states) {
      if (state.updatedAt === null) await db.run('DELETE FROM s3bridge.destinations WHERE name = $name', { name: state.name });
      else await db.run('INSERT OR REPLACE INTO s3bridge.destinations VALUES ($name, $enabled, $reason, now())', { name: state.name, enabled: state.enabled, reason: state.reason });
    }
  });
}
