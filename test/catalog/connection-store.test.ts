import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { ApplicationFailure } from '@temporalio/common';
import { ensureConnectionTables, getConnection, listConnections, listUsableConnections, saveConnection } from '../../src/catalog/connection-store';
import { removeConnection } from '../../src/catalog/remove-connection';
import { Connection } from '../../src/workflow-safe/connection';
import { STORED_CONNECTION_OUTDATED } from '../../src/workflow-safe/failure-types';

let db: DuckDBConnection;
beforeAll(async () => { db = await (await DuckDBInstance.create(':memory:')).connect(); });
afterAll(() => db?.closeSync());

const mended = Connection.parse({
  name: 'old-src', direction: 'source', region: 'us-east-1', bucket: 'acme-events', prefix: 'exports',
  endpoint: 'https://s3.example.com',
  auth: { type: 'assume-role', roleArn: 'arn:aws:iam::123456789012:role/s3bridge-read', externalId: 'f3b1c2d4e5a6978812345678' },
});
/** What an earlier release stored: an endpoint with a path and a two-character external ID (both allowed then). */
const stored = { ...mended, endpoint: 'https://s3.example.com/gateway', auth: { ...mended.auth, externalId: 'ab' } };

const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as ApplicationFailure);

describe('a connection stored by an earlier release that breaks a rule added since', () => {
  it('is named with the fields at fault and how to mend it, by get and by list; storing it again mends it; remove needs no parse; the others stay usable', async () => {
    await ensureConnectionTables(db);
    await db.run('INSERT INTO s3bridge.connections (name, direction, config) VALUES ($name, $direction, $config)',
      { name: stored.name, direction: stored.direction, config: JSON.stringify(stored) });

    const message = 'stored connection "old-src" no longer passes this release\'s rules:\n'
      + 'connection.auth.externalId: at least 16 characters: the external ID keeps anyone else who uses the same s3bridge worker from having it assume your role, '
      + 'so it must not be guessable; leave it out and `s3bridge connections add` generates a random one\n'
      + 'connection.endpoint: the endpoint is scheme://host[:port] only, without a path, query or fragment: both S3 clients must address the same server the same way\n'
      + 'store it again with those fields mended (`s3bridge connections add` replaces it), or remove it (`s3bridge connections remove old-src`)';
    for (const read of [() => getConnection(db, 'old-src'), () => listConnections(db)]) {
      const failure = await failureOf(read());
      expect([failure?.type, failure?.nonRetryable, failure?.message]).toEqual([STORED_CONNECTION_OUTDATED, true, message]);
    }

    // The checks that read every destination (a place's owner, a migration's handover) go on without it.
    const other = { ...mended, name: 'other-src' };
    await saveConnection(db, other);
    expect(await listUsableConnections(db, 'source')).toEqual([other]);
    expect(await listUsableConnections(db, 'destination')).toEqual([]);

    await saveConnection(db, mended);
    expect(await getConnection(db, 'old-src')).toEqual(mended);

    await db.run('UPDATE s3bridge.connections SET config = $config WHERE name = $name', { name: stored.name, config: JSON.stringify(stored) });
    expect((await removeConnection(db, 'old-src')).removed).toBe(true);
    expect(await listConnections(db)).toEqual([other]);
  });
});
