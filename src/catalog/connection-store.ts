import type { DuckDBConnection } from '@duckdb/node-api';
import { ApplicationFailure } from '@temporalio/common';
import { Connection } from '../workflow-safe/connection';
import { queryRows } from '../duckdb/query-rows';
import { catalogTables } from './catalog-tables';
import { CONNECTION_NOT_FOUND, INLINE_CONNECTION_SHADOWS_STORED } from '../workflow-safe/failure-types';

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
  const [row] = await queryRows<{ config: string }>(db, 'SELECT config FROM s3bridge.connections WHERE name = $name', { name });
  return row ? Connection.parse(JSON.parse(row.config)) : undefined;
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
  const rows = await queryRows<{ config: string }>(db, 'SELECT config FROM s3bridge.connections ORDER BY name');
  return rows.map((row) => Connection.parse(JSON.parse(row.config)));
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
