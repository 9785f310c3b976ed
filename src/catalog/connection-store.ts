import type { DuckDBConnection } from '@duckdb/node-api';
import { ApplicationFailure } from '@temporalio/common';
import { Connection } from '../workflow-safe/connection';
import { queryRows } from '../duckdb/query-rows';
import { catalogTables } from './catalog-tables';
import { CONNECTION_NOT_FOUND, INLINE_CONNECTION_SHADOWS_STORED, STORED_CONNECTION_OUTDATED } from '../workflow-safe/failure-types';
import { formatZodIssues } from '../workflow-safe/input-errors';

/** Creates the catalog's connection tables if missing (cheap; once per DuckDB connection). */
export const ensureConnectionTables = catalogTables(
  `CREATE TABLE IF NOT EXISTS s3bridge.connections (
    name VARCHAR PRIMARY KEY,
    direction VARCHAR NOT NULL,
    config JSON NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
);

/** Stores (or replaces) a connection; it holds references to secrets, never their values. */
export async function saveConnection(db: DuckDBConnection, connection: Connection): Promise<void> {
  await ensureConnectionTables(db);
  await db.run(
    `INSERT OR REPLACE INTO s3bridge.connections (name, direction, config, updated_at) VALUES ($name, $direction, $config, now())`,
    { name: connection.name, direction: connection.direction, config: JSON.stringify(connection) },
  );
}

export async function findConnection(db: DuckDBConnection, name: string): Promise<Connection | undefined> {
  await ensureConnectionTables(db);
  const [row] = await queryRows<{ name: string; config: string }>(db, 'SELECT name, config FROM s3bridge.connections WHERE name = $name', { name });
  return row ? storedConnection(row) : undefined;
}

export async function getConnection(db: DuckDBConnection, name: string): Promise<Connection> {
  const connection = await findConnection(db, name);
  if (!connection) {
    throw ApplicationFailure.create({
      type: CONNECTION_NOT_FOUND,
      nonRetryable: true,
      message: `connection "${name}" is not in the catalog; create it with \`s3bridge connections add\` or pass it inline`,
    });
  }
  return connection;
}

export async function listConnections(db: DuckDBConnection): Promise<Connection[]> {
  await ensureConnectionTables(db);
  const rows = await queryRows<{ name: string; config: string }>(db, 'SELECT name, config FROM s3bridge.connections ORDER BY name');
  return rows.map(storedConnection);
}

/**
 * The stored connections of one direction that pass this release's rules. An outdated one is left
 * out: it cannot run until it is stored again (whatever names it fails), so it must not stop the
 * others' checks (a destination's place, the handover of a migration).
 */
export async function listUsableConnections(db: DuckDBConnection, direction: Connection['direction']): Promise<Connection[]> {
  await ensureConnectionTables(db);
  const rows = await queryRows<{ config: string }>(db, 'SELECT config FROM s3bridge.connections WHERE direction = $direction ORDER BY name', { direction });
  return rows.flatMap((row) => {
    const parsed = parseStoredConfig(row.config);
    return parsed.success ? [parsed.data] : [];
  });
}

/** A stored connection's config under this release's rules (a stored row is JSON the catalog wrote). */
export function parseStoredConfig(config: string) {
  return Connection.safeParse(JSON.parse(config));
}

/**
 * A stored connection under this release's rules. One stored by an earlier release may break a
 * rule added since (an endpoint with a path, a short external ID): say which and how to mend it,
 * rather than a bare schema error from whatever command read the catalog.
 */
export function storedConnection(row: { name: string; config: string }): Connection {
  const parsed = parseStoredConfig(row.config);
  if (parsed.success) return parsed.data;
  throw ApplicationFailure.create({
    type: STORED_CONNECTION_OUTDATED,
    nonRetryable: true,
    message: `stored connection "${row.name}" no longer passes this release's rules:\n${formatZodIssues(parsed.error, 'connection')}\n`
      + `store it again with those fields mended (\`s3bridge connections add\` replaces it), or remove it (\`s3bridge connections remove ${row.name}\`)`,
  });
}

/**
 * Refuses an inline connection named like a stored one: it would read and overwrite the stored
 * connection's status, catalog and loads with settings nobody stored. Checked where inline
 * connections enter (resolve, require-active) and again where runs write under the name.
 */
export async function refuseInlineShadowing(db: DuckDBConnection, name: string): Promise<void> {
  if (!(await findConnection(db, name))) return;
  throw ApplicationFailure.create({
    type: INLINE_CONNECTION_SHADOWS_STORED,
    nonRetryable: true,
    message: `inline connection "${name}" has the name of a stored connection: refer to the stored one by name ({"connection": "${name}"}), or give the inline connection another name`,
  });
}
