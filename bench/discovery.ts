/**
 * Discovery benchmark: 100,000 objects in 200 tables on the local MinIO.
 *
 *   npx tsx bench/discovery.ts            # creates the data once (bucket s3bridge-bench-discovery), then measures
 *   BENCH_RUNS=5 npx tsx bench/discovery.ts   # more runs per row (default 3; the median is reported)
 *   npx tsx bench/discovery.ts --tables 8 --files 20   # a smaller data set (a smoke run)
 *
 * Tables: half Hive (`date=YYYY-MM-DD/`, 10 files a day), a quarter Statsig day folders, a quarter
 * flat; by default 200 tables of 500 objects: 100 Hive (50 days x 10 files), 50 day-folder
 * tables (50 x 10), 50 flat (500 files); every object a small Parquet file. Measured through the real worker and
 * Temporal server (discoverSchema workflow), against two baselines in the same run: the bare
 * paginated listing of every key (no worker, no schema reads: the floor), and discovery one
 * table at a time (no concurrency). Every discovery after the first is a resync (a diff against
 * the catalog); an untimed warm-up run comes first.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { loadSettings, type Settings } from '../src/config/settings';
import { localServiceEnv, localSourceConnection } from '../src/config/local-services';
import { createWorker } from '../src/worker/create-worker';
import { registerSearchAttributes } from '../src/client/search-attribute-registration';
import { S3BridgeClient } from '../src/client/s3bridge-client';
import { quoteLiteral } from '../src/duckdb/sql';
import { mapBounded } from '../src/discovery/map-bounded';
import type { DiscoverSchemaInput } from '../src/workflow-safe/inputs/discover-schema-input';
import { writeBenchResults } from './support/results-file';

const BUCKET = 's3bridge-bench-discovery';
const { values: flags } = parseArgs({ options: { tables: { type: 'string', default: '200' }, files: { type: 'string', default: '500' } } });
const TABLES = Number(flags.tables);
const FILES_PER_TABLE = Number(flags.files);
for (const [name, n] of Object.entries({ tables: TABLES, files: FILES_PER_TABLE })) {
  if (!Number.isInteger(n) || n < 4) throw new Error(`--${name} must be an integer of at least 4`);
}
const DATA_VERSION = `v1-${TABLES}x${FILES_PER_TABLE}`;
/** Each size has its own prefix (the default one the bench has always used). */
const ROOT = DATA_VERSION === 'v1-200x500' ? 'bench' : `bench-${TABLES}x${FILES_PER_TABLE}`;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function day(i: number): string {
  return new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10);
}

/** The keys of table t: Hive, day folders or flat, 500 each. */
function tableKeys(t: number): string[] {
  const name = `table_${String(t).padStart(3, '0')}`;
  return Array.from({ length: FILES_PER_TABLE }, (_, i) => {
    const d = day(Math.floor(i / 10));
    const file = `part-${i % 10}.parquet`;
    if (t < TABLES / 2) return `${ROOT}/${name}/date=${d}/${file}`;
    if (t < (TABLES * 3) / 4) return `${ROOT}/${name}/${d}/${file}`;
    return `${ROOT}/${name}/part-${String(i).padStart(4, '0')}.parquet`;
  });
}

async function renderParquet(): Promise<Buffer> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-bench-'));
  const file = path.join(dir, 'part.parquet');
  try {
    await db.run(`COPY (SELECT i::BIGINT AS id, 'user-' || i AS user_id, 'page_view' AS event, i * 0.5 AS value FROM range(20) t(i)) TO ${quoteLiteral(file)} (FORMAT parquet)`);
    return readFileSync(file);
  } finally {
    db.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function ensureData(s3: S3Client): Promise<number> {
  const marker = `_bench/${DATA_VERSION}`;
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((e: { name?: string }) => {
    if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
  });
  const present = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: marker })).then(() => true, () => false);
  if (present) return 0;
  const body = await renderParquet();
  const keys = Array.from({ length: TABLES }, (_, t) => tableKeys(t)).flat();
  const started = Date.now();
  let done = 0;
  await mapBounded(keys, 64, async (key) => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    if (++done % 10_000 === 0) console.log(`  uploaded ${done} / ${keys.length}`);
  });
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: marker, Body: 'ok' }));
  return (Date.now() - started) / 1000;
}

/** The floor: every key listed once, sequentially, 1,000 per page. */
async function listEverything(s3: S3Client): Promise<number> {
  let token: string | undefined;
  let n = 0;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${ROOT}/`, ContinuationToken: token }));
    n += page.KeyCount ?? 0;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return n;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const started = performance.now();
  const result = await fn();
  return { seconds: (performance.now() - started) / 1000, result };
}

async function main(): Promise<void> {
  const services = localServiceEnv();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-bench-discovery-'));
  const settings: Settings = { ...loadSettings({ ...process.env, S3BRIDGE_DATA_DIR: dataDir }), taskQueue: `bench-discovery-${randomBytes(3).toString('hex')}` };
  const s3 = new S3Client({
    region: 'us-east-1', endpoint: services.s3Endpoint, forcePathStyle: true,
    credentials: { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! },
  });
  console.log(`data: ${TABLES} tables x ${FILES_PER_TABLE} objects in s3://${BUCKET}/${ROOT}/`);
  const uploadSeconds = await ensureData(s3);
  console.log(uploadSeconds ? `  created in ${uploadSeconds.toFixed(1)} s` : '  already present (reused)');

  const nativeConnection = await NativeConnection.connect({ address: services.temporalAddress });
  const { worker } = await createWorker({ settings, connection: nativeConnection });
  const running = worker.run();
  const temporalConnection = await Connection.connect({ address: services.temporalAddress });
  const client = new S3BridgeClient(new Client({ connection: temporalConnection }), settings, `bench-${randomBytes(3).toString('hex')}-`);
  await registerSearchAttributes(client.temporal, settings.temporalNamespace);
  const connection = localSourceConnection({ name: 'bench', bucket: BUCKET, prefix: ROOT });

  const rows: { key: string; what: string; seconds: number[]; note: string }[] = [];
  const measure = async (key: string, what: string, fn: () => Promise<string>) => {
    const seconds: number[] = [];
    let note = '';
    for (let i = 0; i < RUNS; i++) {
      const run = await timed(fn);
      seconds.push(run.seconds);
      note = run.result;
      console.log(`  ${what}: ${run.seconds.toFixed(2)} s (${note})`);
    }
    rows.push({ key, what, seconds, note });
  };
  const discover = (input: Omit<DiscoverSchemaInput, 'connection'>) => async () => {
    const report = await client.discoverSchema({ connection, ...input });
    if (report.tablesDiscovered !== TABLES || report.objectsListed !== TABLES * FILES_PER_TABLE) {
      throw new Error(`unexpected result: ${report.tablesDiscovered} tables, ${report.objectsListed} objects`);
    }
    return `${report.tablesDiscovered} tables, ${report.objectsListed} objects`;
  };
  try {
    // Untimed warm-up: the worker's first tasks and DuckDB's first httpfs load.
    await discover({})();
    await measure('listing', 'baseline: list every key, sequential pages (no schema reads)', async () => `${await listEverything(s3)} keys`);
    await measure('one_table_at_a_time', 'baseline: discoverSchema one table at a time', discover({ concurrentBatches: 1, concurrentTables: 1, batchSize: 50 }));
    await measure('defaults', 'discoverSchema, defaults (4 batches x 8 tables, 5 sample files)', discover({}));
    await measure('one_sample_file', 'discoverSchema, defaults, 1 sample file per table', discover({ sampleFiles: 1 }));
  } finally {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await temporalConnection.close();
    s3.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(rows[0]!.seconds);
  const sequential = median(rows[1]!.seconds);
  console.log(`\n| run | median s (${RUNS} run${RUNS === 1 ? '' : 's'}) | objects/s | vs listing floor | vs one table at a time |`);
  console.log('|---|---:|---:|---:|---:|');
  for (const row of rows) {
    const m = median(row.seconds);
    console.log(`| ${row.what} | ${m.toFixed(2)} | ${Math.round((TABLES * FILES_PER_TABLE) / m).toLocaleString('en-US')} | ${(m / base).toFixed(2)}x | ${(m / sequential).toFixed(2)}x |`);
  }
  console.log(`\nmachine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, node ${process.version}; target: under 60 s`);
  writeBenchResults('discovery', {
    parameters: { tables: TABLES, filesPerTable: FILES_PER_TABLE, runs: RUNS },
    // The baseline is the listing floor; discovery is also compared with one table at a time.
    rows: Object.fromEntries(rows.map((row) => [row.key, { seconds: median(row.seconds), runs: row.seconds.length }])),
    baseline: 'listing',
    ratios: Object.fromEntries(rows.slice(2).map((row) => [`${row.key}.wall_vs_one_table_at_a_time`, median(row.seconds) / sequential])),
    metrics: Object.fromEntries(rows.map((row) => [`${row.key}.objects_per_second`, (TABLES * FILES_PER_TABLE) / median(row.seconds)])),
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
