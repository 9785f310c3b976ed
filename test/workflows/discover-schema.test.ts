import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { S3BRIDGE_CONNECTION, S3BRIDGE_KIND } from '../../src/workflow-safe/observability/search-attributes';
import { Worker } from '@temporalio/worker';
import type { S3Client } from '@aws-sdk/client-s3';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, renderFile, type FileFormat } from '../support/objects';
import { listDiscoveredTables } from '../../src/catalog/discovered-table-store';
import type { DiscoveredTable } from '../../src/workflow-safe/catalog/discovered-table';
import type { SourceConnection } from '../../src/workflow-safe/connection';

let env: TestEnv;
const sizes = new Map<string, number>();

/** Renders and uploads a file, remembering its size for the expected catalog. */
async function put(s3: S3Client, bucket: string, key: string, sql: string, format: FileFormat = 'parquet') {
  const body = await renderFile(sql, format);
  sizes.set(key, body.length);
  await putObject(s3, bucket, key, body);
}
const bytes = (...keys: string[]) => keys.reduce((n, k) => n + sizes.get(k)!, 0);
const catalog = (connection: string) => env.withWarehouse((db) => listDiscoveredTables(db, connection));
const byName = (tables: DiscoveredTable[]) => Object.fromEntries(tables.map((t) => [t.name, t]));

const ROWS = (n: number) => `SELECT i::BIGINT AS id, 'v' || i AS label FROM range(${n}) t(i)`;

beforeAll(async () => {
  env = await createTestEnv('discover-schema');
  await env.startWorker();
  const { s3, bucket } = env;
  // Permutive: one schema prefix, a folder per table.
  await put(s3, bucket, 'schema/users/part-0.parquet', ROWS(10));
  await put(s3, bucket, 'schema/users/part-1.parquet', ROWS(10));
  await put(s3, bucket, 'schema/users/extra.csv', ROWS(2), 'csv');
  await put(s3, bucket, 'schema/events/date=2025-01-01/part-0.parquet', ROWS(5));
  await put(s3, bucket, 'schema/events/date=2025-01-02/part-0.parquet', ROWS(5));
  await putObject(s3, bucket, 'schema/events/_SUCCESS', '');
  await putObject(s3, bucket, 'schema/events/date=2025-01-01/.part-0.parquet.crc', 'crc');
  await putObject(s3, bucket, 'schema/events/date=2025-01-02/empty.parquet', '');
  await put(s3, bucket, 'schema/sessions/date=2025-01-01/region=EU/part-0.parquet', ROWS(3));
  await put(s3, bucket, 'schema/sessions/date=2025-01-01/region=US/part-0.parquet', ROWS(3));
  await put(s3, bucket, 'schema/sessions/date=2025-01-02/region=EU/part-0.parquet', ROWS(3));
  await put(s3, bucket, 'schema/orders/part-0.csv', "SELECT i::BIGINT AS order_id, 'EUR' AS currency, 1.5::DOUBLE AS total FROM range(4) t(i)", 'csv');
  await put(s3, bucket, 'schema/orders/part-1.csv', "SELECT i::BIGINT AS order_id, 'USD' AS currency, 2.5::DOUBLE AS total FROM range(4) t(i)", 'csv');
  await put(s3, bucket, 'schema/returns/part-0.csv.gz', "SELECT i::BIGINT AS order_id, 'broken' AS reason FROM range(4) t(i)", 'csv.gz');
  await put(s3, bucket, 'schema/clicks/part-0.json.gz', "SELECT i::BIGINT AS id, 'https://x.test/' || i AS url FROM range(4) t(i)", 'ndjson.gz');
  await putObject(s3, bucket, 'schema/empty/_SUCCESS', '');
  await put(s3, bucket, 'schema/amounts/a.parquet', 'SELECT i::BIGINT AS id, i::BIGINT AS amount FROM range(3) t(i)');
  await put(s3, bucket, 'schema/amounts/b.parquet', 'SELECT i::BIGINT AS id, i::DOUBLE / 2 AS amount FROM range(3) t(i)');
  await put(s3, bucket, 'schema/broken/good.parquet', ROWS(3));
  await putObject(s3, bucket, 'schema/broken/corrupt.parquet', 'PAR1 this is not a parquet file PAR1');
  await putObject(s3, bucket, 'schema/README.txt', 'not a table');
  // More than one listing page in one table: 1,050 objects.
  const tiny = await renderFile(ROWS(1), 'parquet');
  const bigKeys = Array.from({ length: 1050 }, (_, i) => `schema/big/part-${String(i).padStart(4, '0')}.parquet`);
  for (let i = 0; i < bigKeys.length; i += 50) {
    await Promise.all(bigKeys.slice(i, i + 50).map((key) => putObject(s3, bucket, key, tiny)));
  }
  bigKeys.forEach((k) => sizes.set(k, tiny.length));
  // Statsig: a folder per dataset, a folder per day.
  await put(s3, bucket, 'statsig/events/2025-01-01/part-0.parquet', ROWS(2));
  await put(s3, bucket, 'statsig/events/2025-01-02/part-0.parquet', ROWS(2));
  await put(s3, bucket, 'statsig/metrics/20250101/part-0.parquet', "SELECT 'u1' AS unit_id, 'revenue' AS metric, 1.5::DOUBLE AS value");
  // Segment's export read back: segment-logs/<source-id>/<received-day>/*.gz (seconds, then millis).
  const track = (day: string) => `SELECT 'track' AS type, 'Order Completed' AS event, 'u' || i AS userId, TIMESTAMP '${day} 10:00:00' AS receivedAt FROM range(3) t(i)`;
  await put(s3, bucket, 'segment/segment-logs/src1/1735689600/a.gz', track('2025-01-01'), 'ndjson.gz');
  await put(s3, bucket, 'segment/segment-logs/src1/1735776000/b.gz', track('2025-01-02'), 'ndjson.gz');
  await put(s3, bucket, 'segment/segment-logs/src2/1735689600000/c.gz', track('2025-01-01'), 'ndjson.gz');
}, 300_000);
afterAll(async () => env?.close());

function source(name: string, overrides: Partial<SourceConnection>): SourceConnection {
  return env.source({ name: `${name}-${env.id}`.slice(0, 63), ...overrides });
}

describe('discoverSchema', () => {
  it('discovers a Permutive schema: formats, Hive partitions, problems, exact catalog', async () => {
    const connection = source('permutive', { prefix: 'schema' });
    const report = await env.s3bridge.discoverSchema({ connection, sampleFiles: 3 });
    const tables = byName(await catalog(connection.name));
    const at = report.startedAt;
    const base = { connection: connection.name, discoveredAt: at };
    const prefix = (name: string) => `schema/${name}/`;

    expect(Object.keys(tables).sort()).toEqual(['amounts', 'big', 'broken', 'clicks', 'events', 'orders', 'returns', 'sessions', 'users']);
    expect(report).toMatchObject({
      connection: connection.name,
      tablesDiscovered: 9,
      skipped: [{ name: 'empty', reason: 'empty table: no data files (ignored 1 marker file: _SUCCESS)' }],
      objectsListed: 1050 + 20,
      diff: { tablesAdded: Object.keys(tables).sort(), tablesRemoved: [], tablesChanged: [] },
      drifted: [],
      tablesWithProblems: ['amounts', 'broken', 'clicks', 'events', 'orders', 'returns', 'users'],
    });
    expect(report.schemaProblems).toEqual([
      {
        kind: 'ignored-files',
        message: '1 file directly under the schema prefix, outside any table folder, ignored: README.txt',
        files: ['README.txt'],
        fileCount: 1,
      },
      { kind: 'mixed-format', message: 'mixed formats in one schema: 6 parquet tables, and orders (csv), returns (csv), clicks (ndjson)' },
    ]);

    const idLabel = [{ name: 'id', type: 'BIGINT' }, { name: 'label', type: 'VARCHAR' }];
    expect(tables.users).toEqual({
      ...base, name: 'users', prefix: prefix('users'), layout: 'flat', format: 'parquet', partitionKeys: [],
      columns: idLabel, fileCount: 2, totalBytes: bytes('schema/users/part-0.parquet', 'schema/users/part-1.parquet'),
      sampledFiles: ['part-1.parquet', 'part-0.parquet'], ignoredFileCount: 0,
      problems: [{ kind: 'mixed-format', message: '1 csv file in a parquet table left out (one format per table): extra.csv', files: ['extra.csv'], fileCount: 1 }],
    });
    expect(tables.events).toEqual({
      ...base, name: 'events', prefix: prefix('events'), layout: 'hive', format: 'parquet',
      partitionKeys: [{ name: 'date', type: 'DATE', values: ['2025-01-01', '2025-01-02'] }], dayKey: 'date', dayFormat: 'YYYY-MM-DD',
      columns: [...idLabel, { name: 'date', type: 'DATE' }],
      fileCount: 2, totalBytes: bytes('schema/events/date=2025-01-01/part-0.parquet', 'schema/events/date=2025-01-02/part-0.parquet'),
      sampledFiles: ['date=2025-01-02/part-0.parquet', 'date=2025-01-01/part-0.parquet'], ignoredFileCount: 3,
      problems: [{
        kind: 'ignored-files',
        message: 'ignored 1 marker file, 1 hidden file, 1 zero-byte file: _SUCCESS, date=2025-01-01/.part-0.parquet.crc, date=2025-01-02/empty.parquet',
        files: ['_SUCCESS', 'date=2025-01-01/.part-0.parquet.crc', 'date=2025-01-02/empty.parquet'],
        fileCount: 3,
      }],
    });
    expect(tables.sessions).toEqual({
      ...base, name: 'sessions', prefix: prefix('sessions'), layout: 'hive', format: 'parquet',
      partitionKeys: [
        { name: 'date', type: 'DATE', values: ['2025-01-01', '2025-01-02'] },
        { name: 'region', type: 'VARCHAR', values: ['EU', 'US'] },
      ],
      dayKey: 'date', dayFormat: 'YYYY-MM-DD',
      columns: [...idLabel, { name: 'date', type: 'DATE' }, { name: 'region', type: 'VARCHAR' }],
      fileCount: 3,
      totalBytes: bytes('schema/sessions/date=2025-01-01/region=EU/part-0.parquet', 'schema/sessions/date=2025-01-01/region=US/part-0.parquet', 'schema/sessions/date=2025-01-02/region=EU/part-0.parquet'),
      sampledFiles: ['date=2025-01-02/region=EU/part-0.parquet', 'date=2025-01-01/region=US/part-0.parquet', 'date=2025-01-01/region=EU/part-0.parquet'],
      ignoredFileCount: 0, problems: [],
    });
    const oddFormat = (name: string, family: string, files: string[]) => ({
      kind: 'mixed-format',
      message: `this table is ${family} while the schema is parquet (one format per schema): ${files.length} ${family} files, e.g. ${files.join(', ')}`,
      files,
      fileCount: files.length,
    });
    expect(tables.orders).toEqual({
      ...base, name: 'orders', prefix: prefix('orders'), layout: 'flat', format: 'csv', partitionKeys: [],
      columns: [{ name: 'order_id', type: 'BIGINT' }, { name: 'currency', type: 'VARCHAR' }, { name: 'total', type: 'DOUBLE' }],
      fileCount: 2, totalBytes: bytes('schema/orders/part-0.csv', 'schema/orders/part-1.csv'),
      sampledFiles: ['part-1.csv', 'part-0.csv'], ignoredFileCount: 0,
      problems: [oddFormat('orders', 'csv', ['part-1.csv', 'part-0.csv'])],
    });
    expect(tables.returns).toMatchObject({ format: 'csv.gz', layout: 'flat', fileCount: 1, columns: [{ name: 'order_id', type: 'BIGINT' }, { name: 'reason', type: 'VARCHAR' }] });
    expect(tables.clicks).toMatchObject({ format: 'ndjson.gz', layout: 'flat', fileCount: 1, columns: [{ name: 'id', type: 'BIGINT' }, { name: 'url', type: 'VARCHAR' }] });
    expect(tables.amounts).toEqual({
      ...base, name: 'amounts', prefix: prefix('amounts'), layout: 'flat', format: 'parquet', partitionKeys: [],
      columns: [{ name: 'id', type: 'BIGINT' }, { name: 'amount', type: 'DOUBLE' }],
      fileCount: 2, totalBytes: bytes('schema/amounts/a.parquet', 'schema/amounts/b.parquet'),
      sampledFiles: ['b.parquet', 'a.parquet'], ignoredFileCount: 0,
      problems: [{
        kind: 'type-conflict',
        message: 'column "amount" has different types: BIGINT in a.parquet; DOUBLE in b.parquet; read as DOUBLE',
        files: ['a.parquet', 'b.parquet'],
        fileCount: 2,
      }],
    });
    expect(tables.broken).toEqual({
      ...base, name: 'broken', prefix: prefix('broken'), layout: 'flat', format: 'parquet', partitionKeys: [],
      columns: idLabel, fileCount: 2, totalBytes: bytes('schema/broken/good.parquet') + 36,
      sampledFiles: ['corrupt.parquet', 'good.parquet'], ignoredFileCount: 0,
      problems: [{ kind: 'unreadable-file', message: expect.stringMatching(/^corrupt\.parquet: .+/), files: ['corrupt.parquet'], fileCount: 1 }],
    });
    expect(tables.big).toMatchObject({
      layout: 'flat', format: 'parquet', fileCount: 1050, totalBytes: 1050 * sizes.get('schema/big/part-0000.parquet')!,
      problems: [],
    });
    // The sample is the most recently modified files: from the last upload round (1000-1049).
    expect(tables.big!.sampledFiles).toEqual([expect.stringMatching(/^part-10[0-4]\d\.parquet$/), expect.any(String), expect.any(String)]);
    expect(tables.big!.sampledFiles!.every((k) => /^part-10[0-4]\d\.parquet$/.test(k))).toBe(true);
  });

  it('reads Statsig day folders as a date partition', async () => {
    const connection = source('statsig', { prefix: 'statsig', partitioning: 'dated-folders' });
    const report = await env.s3bridge.discoverSchema({ connection });
    expect(report.skipped).toEqual([]);
    const tables = byName(await catalog(connection.name));
    expect(tables.events).toMatchObject({
      layout: 'day-folders', format: 'parquet', dayKey: 'date', dayFormat: 'YYYY-MM-DD',
      partitionKeys: [{ name: 'date', type: 'DATE', values: ['2025-01-01', '2025-01-02'] }],
      columns: [{ name: 'id', type: 'BIGINT' }, { name: 'label', type: 'VARCHAR' }, { name: 'date', type: 'DATE' }],
      fileCount: 2, problems: [],
    });
    expect(tables.metrics).toMatchObject({
      layout: 'day-folders', dayKey: 'date', dayFormat: 'YYYYMMDD',
      partitionKeys: [{ name: 'date', type: 'DATE', values: ['2025-01-01'] }],
      columns: [{ name: 'unit_id', type: 'VARCHAR' }, { name: 'metric', type: 'VARCHAR' }, { name: 'value', type: 'DOUBLE' }, { name: 'date', type: 'DATE' }],
    });
  });

  it('reads Segment logs: gzipped NDJSON in received-day folders (seconds or millis)', async () => {
    const connection = source('segment', { prefix: 'segment' });
    await env.s3bridge.discoverSchema({ connection });
    const tables = byName(await catalog(connection.name));
    const columns = [
      { name: 'type', type: 'VARCHAR' }, { name: 'event', type: 'VARCHAR' }, { name: 'userId', type: 'VARCHAR' },
      { name: 'receivedAt', type: 'TIMESTAMP' }, { name: 'date', type: 'DATE' },
    ];
    expect(tables.src1).toMatchObject({
      prefix: 'segment/segment-logs/src1/', layout: 'segment-logs', format: 'ndjson.gz', dayKey: 'date', dayFormat: 'unix-seconds',
      partitionKeys: [{ name: 'date', type: 'DATE', values: ['2025-01-01', '2025-01-02'] }], columns, fileCount: 2, problems: [],
    });
    expect(tables.src2).toMatchObject({ layout: 'segment-logs', dayFormat: 'unix-millis', partitionKeys: [{ name: 'date', values: ['2025-01-01'] }] });
  });

  it('continues as new between batches when history grows, finishes the same discovery, and replays deterministically', async () => {
    const connection = source('can', { prefix: 'statsig' });
    const handle = await env.s3bridge.startDiscoverSchema({ connection, batchSize: 1, concurrentBatches: 1, continueAsNewAfterEvents: 10 });
    const report = await handle.result();
    expect(report).toMatchObject({ tablesDiscovered: 2, objectsListed: 3 });
    // The discovery keeps the first run's ID across runs; that run ended by continuing as new.
    const firstRun = await env.temporal.workflow.getHandle(handle.workflowId, report.discoveryId).fetchHistory();
    expect(firstRun.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    // Both ends of the chain replay deterministically (throws DeterminismViolationError otherwise).
    const bundle = { workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') } };
    await Worker.runReplayHistory(bundle, firstRun, handle.workflowId);
    await Worker.runReplayHistory(bundle, await env.temporal.workflow.getHandle(handle.workflowId).fetchHistory(), handle.workflowId);
    expect(Object.keys(byName(await catalog(connection.name))).sort()).toEqual(['events', 'metrics']);
    // The last run of the chain carries the first run's search attributes.
    const last = await env.temporal.workflow.getHandle(handle.workflowId).describe();
    expect([last.typedSearchAttributes.get(S3BRIDGE_CONNECTION), last.typedSearchAttributes.get(S3BRIDGE_KIND)]).toEqual([connection.name, 'discovery']);
  });

  it('follows the partitioning setting: "all" skips unpartitioned tables, "none" reads folders as plain', async () => {
    const all = source('all', { prefix: 'schema', partitioning: 'all' });
    const report = await env.s3bridge.discoverSchema({ connection: all, sampleFiles: 1 });
    expect(Object.keys(byName(await catalog(all.name))).sort()).toEqual(['events', 'sessions']);
    expect(report.skipped.map((s) => s.name).sort()).toEqual(['amounts', 'big', 'broken', 'clicks', 'empty', 'orders', 'returns', 'users']);
    expect(report.skipped.find((s) => s.name === 'users')?.reason).toBe(
      'not partitioned: the connection says all tables are partitioned, and this table has no partition folders');

    const none = source('none', { prefix: 'statsig', partitioning: 'none' });
    await env.s3bridge.discoverSchema({ connection: none });
    expect(byName(await catalog(none.name)).events).toMatchObject({
      layout: 'flat', partitionKeys: [], columns: [{ name: 'id', type: 'BIGINT' }, { name: 'label', type: 'VARCHAR' }],
    });
  });
});
