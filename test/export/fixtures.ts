import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { localSourceConnection } from '../../src/config/local-services';
import { saveConnection } from '../../src/catalog/connection-store';
import type { DestinationConnection } from '../../src/workflow-safe/connection';
import { CANONICAL_COLUMNS, LINEAGE_COLUMNS } from '../../src/warehouse/target-table';
import { withWarehouse } from '../../src/warehouse/embedded-database';
import { ensureBookkeepingTables } from '../../src/warehouse/bookkeeping-tables';
import { quoteIdentifier } from '../../src/duckdb/sql';
import type { TestEnv } from '../support/harness';

/** A destination on the test's bucket with MinIO's root user (stored in the catalog when `store`). */
export function destination(env: TestEnv, overrides: Partial<DestinationConnection> = {}): DestinationConnection {
  const { format: _f, partitioning: _p, ...base } = localSourceConnection({ name: `dst-${env.id}`, bucket: env.bucket });
  return { ...base, direction: 'destination', encryption: { type: 'AES256' }, ...overrides };
}

/** Stores the destination in the catalog and validates it (exports need it Active). */
export async function activeDestination(env: TestEnv, connection: DestinationConnection): Promise<DestinationConnection> {
  await withWarehouse(env.settings, (db) => saveConnection(db, connection));
  const report = await env.s3bridge.validateConnection({ connection: connection.name });
  if (report.status !== 'active') throw new Error(`destination not Active: ${JSON.stringify(report.checks)}`);
  return connection;
}

export interface SeedEvent {
  event: string;
  userId?: string | null;
  anonymousId?: string;
  ts: string;
  properties?: Record<string, unknown>;
  value?: string;
  sourceKey?: string;
}

/**
 * Records a load in the ledger as an import's commit would: `loadId` received (committed) at
 * `loadedAt`, `rows` rows into `target`. (Where the warehouse keeps when a row was received.)
 */
export async function recordLoad(env: TestEnv, loadId: string, loadedAt: string, rows: number, target = 'canonical.events'): Promise<void> {
  await withWarehouse(env.settings, async (db) => {
    await ensureBookkeepingTables(db);
    // Columns named: the ledger has gained columns since (unit_scheme, loaded_by) and may gain more.
    await db.run(`INSERT INTO s3bridge.load_ledger (connection, table_name, unit, day, load_id, target, fingerprint, config_hash, files,
        file_count, bytes, row_count, rejected_rows, loaded_at)
      VALUES ('seed', 'clicks', $loadId, NULL, $loadId, $target, 'f', 'c', '[]', 0, 0, $rows, 0, $loadedAt::TIMESTAMPTZ)`,
    { loadId, rows, loadedAt, target });
  });
}

/**
 * Creates canonical.events if needed and appends rows as an import would write them (lineage
 * included), as one load received at `loadedAt`: by default in the hour of the latest event,
 * 10 minutes after it (or at the hour's last millisecond, if sooner).
 */
export async function seedEvents(env: TestEnv, events: SeedEvent[], loadId = 'load-1', loadedAt?: string): Promise<void> {
  if (events.length > 0) {
    const latest = Math.max(...events.map((e) => Date.parse(e.ts)));
    const hourEnd = Math.floor(latest / 3_600_000) * 3_600_000 + 3_599_999;
    await recordLoad(env, loadId, loadedAt ?? new Date(Math.min(latest + 600_000, hourEnd)).toISOString(), events.length);
  }
  await withWarehouse(env.settings, async (db) => {
    await ensureBookkeepingTables(db);
    await db.run('CREATE SCHEMA IF NOT EXISTS canonical');
    const columns = [...CANONICAL_COLUMNS.events, ...LINEAGE_COLUMNS].map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
    await db.run(`CREATE TABLE IF NOT EXISTS canonical.events (${columns})`);
    for (const e of events) {
      await db.run(`INSERT INTO canonical.events VALUES ($event, $userId, $unitIds::JSON, $ts::TIMESTAMPTZ, $value, $properties::JSON,
        'seed', 'clicks', $ts::TIMESTAMPTZ::DATE, $sourceKey, $loadId)`, {
        event: e.event, userId: e.userId ?? null, unitIds: JSON.stringify(e.anonymousId ? { anonymousID: e.anonymousId } : {}), ts: e.ts,
        value: e.value ?? null, properties: JSON.stringify(e.properties ?? {}), sourceKey: e.sourceKey ?? 'clicks/part-0.csv', loadId,
      });
    }
  });
}

/** Generated events: `count` rows spread over the hour starting at `hour` (ISO), with a unique `n` property. */
export function hourOfEvents(hour: string, count: number, offset = 0): SeedEvent[] {
  const start = Date.parse(hour);
  return Array.from({ length: count }, (_, i) => ({
    event: i % 3 === 0 ? 'Order Completed' : 'Page Viewed',
    userId: i % 4 === 0 ? null : `u${(i + offset) % 17}`,
    anonymousId: `a${i + offset}`,
    ts: new Date(start + Math.floor((i * 3_600_000) / count)).toISOString(),
    properties: { n: i + offset, page: `/p/${i % 5}` },
  }));
}

/** Every key in the bucket, sorted. */
export async function bucketKeys(env: TestEnv, bucket = env.bucket, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await env.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) keys.push(o.Key!);
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

/** The messages of one exported object (gunzipped, one JSON per line). */
export async function readMessages(env: TestEnv, key: string, bucket = env.bucket): Promise<Record<string, unknown>[]> {
  const object = await env.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = gunzipSync(Buffer.from(await object.Body!.transformToByteArray())).toString('utf8');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** `count` generated events in the hour starting at `hour` (ISO), hard to compress (hashes), inserted in one statement and received in that hour. */
export async function seedBulkEvents(env: TestEnv, hour: string, count: number, loadId = 'bulk'): Promise<void> {
  await seedEvents(env, [], loadId);
  await recordLoad(env, loadId, new Date(Date.parse(hour) + 1_800_000).toISOString(), count);
  await withWarehouse(env.settings, (db) => db.run(`INSERT INTO canonical.events
    SELECT 'Bulk ' || (r % 7), 'u' || (r % 1000), json_object('anonymousID', 'a' || r),
      $start::TIMESTAMPTZ + to_microseconds((r * 3600000000) // $count), NULL,
      json_object('n', r, 'h1', md5(r::VARCHAR), 'h2', md5((r * 7)::VARCHAR), 'h3', md5((r * 13)::VARCHAR)),
      'seed', 'bulk', $start::TIMESTAMPTZ::DATE, 'bulk/part-0.parquet', $loadId
    FROM range($count) t(r)`, { start: hour, count, loadId }));
}
