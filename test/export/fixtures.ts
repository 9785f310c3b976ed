import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { DuckDBConnection } from '@duckdb/node-api';
import { localSourceConnection } from '../../src/config/local-services';
import { saveConnection } from '../../src/catalog/connection-store';
import type { DestinationConnection } from '../../src/workflow-safe/connection';
import { CANONICAL_COLUMNS, LINEAGE_COLUMNS } from '../../src/warehouse/target-table';
import { ensureBookkeepingTables } from '../../src/warehouse/bookkeeping-tables';
import { createLineageView, fileIdSql } from '../../src/warehouse/source-files';
import { quoteIdentifier, quoteLiteral } from '../../src/duckdb/sql';
import { queryRows } from '../../src/duckdb/query-rows';
import type { TestEnv } from '../support/harness';

/** A destination on the test's bucket with MinIO's root user (stored in the catalog when `store`). */
export function destination(env: TestEnv, overrides: Partial<DestinationConnection> = {}): DestinationConnection {
  const { format: _f, partitioning: _p, ...base } = localSourceConnection({ name: `dst-${env.id}`, bucket: env.bucket });
  return { ...base, direction: 'destination', encryption: { type: 'AES256' }, ...overrides };
}

/** Stores the destination in the catalog and validates it (exports need it Active). */
export async function activeDestination(env: TestEnv, connection: DestinationConnection): Promise<DestinationConnection> {
  await env.withWarehouse((db) => saveConnection(db, connection));
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
  await env.withWarehouseTables(async (db) => {
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
  await env.withWarehouseTables(async (db) => {
    await ensureBookkeepingTables(db);
    await db.run('CREATE SCHEMA IF NOT EXISTS canonical');
    const columns = [...CANONICAL_COLUMNS.events, ...LINEAGE_COLUMNS].map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
    await db.run(`CREATE TABLE IF NOT EXISTS canonical.events (${columns})`);
    await createLineageView(db, { schema: 'canonical', name: 'events', kind: 'events' });
    for (const e of events) {
      await db.run(`INSERT INTO canonical.events VALUES ($event, $userId, $unitIds::JSON, $ts::TIMESTAMPTZ, $value, $properties::JSON,
        $ts::TIMESTAMPTZ::DATE, ${fileIdSql('$loadId', '$sourceKey', "'canonical.events'")})`, {
        event: e.event, userId: e.userId ?? null, unitIds: JSON.stringify(e.anonymousId ? { anonymousID: e.anonymousId } : {}), ts: e.ts,
        value: e.value ?? null, properties: JSON.stringify(e.properties ?? {}), sourceKey: e.sourceKey ?? 'clicks/part-0.csv', loadId,
      });
    }
    for (const sourceKey of new Set(events.map((e) => e.sourceKey ?? 'clicks/part-0.csv'))) await recordSourceFile(db, { loadId, sourceKey });
  });
}

/**
 * The entry of a seeded file in `s3bridge.source_files`, as an import would write it: its ID
 * (`seededFileId`, what the seeded rows carry) from its load, key and target.
 */
export async function recordSourceFile(db: DuckDBConnection, file: { loadId: string; sourceKey: string; connection?: string; table?: string; target?: string }): Promise<void> {
  const { loadId, sourceKey, connection = 'seed', table = 'clicks', target = 'canonical.events' } = file;
  await db.run(`INSERT INTO s3bridge.source_files (file_id, target, connection, table_name, source_key, load_id)
    VALUES (${fileIdSql('$loadId', '$sourceKey', '$target')}, $target, $connection, $table, $sourceKey, $loadId)`, { loadId, sourceKey, connection, table, target });
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
  await env.withWarehouseTables((db) => db.run(`INSERT INTO canonical.events
    SELECT 'Bulk ' || (r % 7), 'u' || (r % 1000), json_object('anonymousID', 'a' || r),
      $start::TIMESTAMPTZ + to_microseconds((r * 3600000000) // $count), NULL,
      json_object('n', r, 'h1', md5(r::VARCHAR), 'h2', md5((r * 7)::VARCHAR), 'h3', md5((r * 13)::VARCHAR)),
      $start::TIMESTAMPTZ::DATE, ${fileIdSql('$loadId', "'bulk/part-0.parquet'", "'canonical.events'")}
    FROM range($count) t(r)`, { start: hour, count, loadId }));
  await env.withWarehouseTables((db) => recordSourceFile(db, { loadId, sourceKey: 'bulk/part-0.parquet', table: 'bulk' }));
}

/*
 * The test side of row lineage (src/export/row-lineage.ts is the export's): where a test moves
 * or reads when rows were received: the load ledger's loaded_at per load_id, a row's load from its file.
 */

/** As if the loads committed in the last `withinMinutes` had committed `hours` earlier (imports in tests all run now). */
export async function backdateRecentLoads(env: TestEnv, hours: number, withinMinutes = 10): Promise<void> {
  await env.withWarehouseTables((db) => db.run(
    'UPDATE s3bridge.load_ledger SET loaded_at = loaded_at - to_hours($hours::BIGINT) WHERE loaded_at > now() - to_minutes($within::BIGINT)',
    { hours, within: withinMinutes }));
}

/** What reloading a load's day does to its rows' lineage: the same rows under a new load, received at `loadedAt`. */
export async function reloadLoad(env: TestEnv, loadId: string, newLoadId: string, loadedAt: string): Promise<void> {
  await env.withWarehouseTables(async (db) => {
    await db.run('UPDATE s3bridge.source_files SET load_id = $newLoadId WHERE load_id = $loadId', { loadId, newLoadId });
    await db.run('UPDATE s3bridge.load_ledger SET load_id = $newLoadId, loaded_at = $loadedAt::TIMESTAMPTZ WHERE load_id = $loadId', { loadId, newLoadId, loadedAt });
  });
}

/** SQL: the rows of `table` per received UTC day (`day`: unix ms of the day, as Segment's folders name it; `n`), by their loads' commit time. */
export function rowsByReceivedDaySql(table = 'canonical.events'): string {
  return `SELECT (epoch_ms(r.received_at) // 86400000) * 86400000 AS day, count(*) AS n
    FROM ${table} e JOIN s3bridge.source_files f ON f.file_id = e._file_id
      JOIN (SELECT load_id, min(loaded_at) AS received_at FROM s3bridge.load_ledger GROUP BY load_id) r ON r.load_id = f.load_id
    GROUP BY 1 ORDER BY 1`;
}

/** The warehouse's rows of `table` per received UTC day (unix ms of the day, as Segment's folders name it). */
export async function rowsByReceivedDay(env: TestEnv, table = 'canonical.events'): Promise<Record<string, number>> {
  const rows = await env.withWarehouseTables((db) => queryRows<{ day: bigint; n: bigint }>(db, rowsByReceivedDaySql(table)));
  return Object.fromEntries(rows.map((r) => [String(r.day), Number(r.n)]));
}

/** The hour (unix ms) in which the newest (or oldest) load committed. */
export async function receivedHourOf(env: TestEnv, where: 'newest' | 'oldest' = 'newest'): Promise<number> {
  const [row] = await env.withWarehouseTables((db) => queryRows<{ ms: bigint }>(db,
    `SELECT epoch_ms(${where === 'newest' ? 'max' : 'min'}(loaded_at)) AS ms FROM s3bridge.load_ledger`));
  return Math.floor(Number(row!.ms) / 3_600_000) * 3_600_000;
}

/**
 * Reads a destination's export the way Segment's users do: list the received-day folders under
 * `{prefix}/segment-logs/{sourceId}/`, download and gunzip every file, parse every line.
 */
export async function readAsConsumer(env: TestEnv, sourceFolder: string): Promise<{ byDay: Record<string, Record<string, unknown>[]>; problems: string[] }> {
  const byDay: Record<string, Record<string, unknown>[]> = {};
  const problems: string[] = [];
  for (const key of await bucketKeys(env, env.bucket, `${sourceFolder}/`)) {
    const [day, file, ...rest] = key.slice(sourceFolder.length + 1).split('/');
    if (rest.length > 0 || !/^\d+$/.test(day!) || !file!.endsWith('.gz')) {
      problems.push(`${key}: not a received-day file`);
      continue;
    }
    const messages = await readMessages(env, key);
    for (const m of messages) {
      const received = Date.parse(m.receivedAt as string);
      if (Math.floor(received / 86_400_000) * 86_400_000 !== Number(day)) problems.push(`${key}: receivedAt ${String(m.receivedAt)} outside its folder's day`);
    }
    (byDay[day!] ??= []).push(...messages);
  }
  return { byDay, problems };
}

/**
 * A raw table as an import writes one: the rows of `select` (its columns), then the lineage
 * columns, all of one load received at `loadedAt`.
 */
export async function createRawTable(env: TestEnv, name: string, select: string, loadId: string, loadedAt: string): Promise<void> {
  const rows = await env.withWarehouseTables(async (db) => {
    await db.run('CREATE SCHEMA IF NOT EXISTS raw');
    const file = { loadId, sourceKey: `${name}/2025-01-01/part-0.csv`, connection: 'shop', table: name, target: `raw.${name}` };
    await db.run(`CREATE TABLE raw.${quoteIdentifier(name)} AS SELECT *, DATE '2025-01-01' AS _day,
      ${fileIdSql(quoteLiteral(file.loadId), quoteLiteral(file.sourceKey), quoteLiteral(file.target))} AS _file_id FROM (${select})`);
    await ensureBookkeepingTables(db);
    await createLineageView(db, { schema: 'raw', name, kind: 'raw' });
    await recordSourceFile(db, file);
    const [count] = await queryRows<{ n: bigint }>(db, `SELECT count(*) AS n FROM raw.${quoteIdentifier(name)}`);
    return Number(count!.n);
  });
  await recordLoad(env, loadId, loadedAt, rows, `raw.${name}`);
}
