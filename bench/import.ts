/**
 * Import benchmark: a Hive-partitioned Parquet table on the local MinIO, loaded through the real
 * importTable workflow (in-process worker, real Temporal server), against plain DuckDB reading the
 * same files in the same process.
 *
 *   npx tsx bench/import.ts                # 3 days x 10 files x 200,000 rows (2M rows a day), about 3.5 minutes
 *   npx tsx bench/import.ts --rows 500000  # 5M rows a day, about 7 minutes; also --days N, --files N, --runs N (default 3)
 *   S3BRIDGE_DUCKDB_MEMORY_LIMIT=1GB npx tsx bench/import.ts   # the memory_limit every DuckDB here uses
 *
 * The table is created once in bucket s3bridge-bench-import under a prefix named after its size,
 * and reused by later runs. Rows, per round (rounds repeat --runs times; the median is reported):
 * - baseline: one DuckDB (createDuckDB, same memory_limit and threads as the worker's), httpfs,
 *   `CREATE TABLE t AS SELECT * FROM read_parquet([every file of the days])` into a fresh file
 *   database: the cost of reading the files and writing them to a local DuckDB file, nothing else;
 * - importTable raw, every day (concurrency 4), into a fresh warehouse;
 * - the same import again on that warehouse: every day unchanged, so skipped (the ledger check);
 * - importTable events (eventName, userId, timestamp, value, properties), into a fresh warehouse.
 * Each fresh warehouse is its own S3BRIDGE_DATA_DIR with its own worker; the connection is
 * validated and discovered first (not timed), as a user's first import would be. Peak RSS is the
 * whole process (worker, DuckDB, Temporal client) sampled every 100 ms during the timed run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { loadSettings, type Settings } from '../src/config/settings';
import { localServiceEnv, localSourceConnection } from '../src/config/local-services';
import { createWorker } from '../src/worker/create-worker';
import { registerSearchAttributes } from '../src/client/search-attribute-registration';
import { withBaselineDuckDB } from './support/baseline-duckdb';
import { bundleWorkflowsToFile } from './support/workflow-bundle';
import { writeBenchResults } from './support/results-file';
import { S3BridgeClient } from '../src/client/s3bridge-client';
import { quoteLiteral } from '../src/duckdb/sql';
import type { ImportInput, ImportReport } from '../src/workflow-safe/import/import-input';
import type { SourceConnection } from '../src/workflow-safe/connection';

const BUCKET = 's3bridge-bench-import';
const { values: flags } = parseArgs({
  options: {
    days: { type: 'string', default: '3' },
    files: { type: 'string', default: '10' },
    rows: { type: 'string', default: '200000' },
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '3' },
  },
});
const DAYS = Number(flags.days);
const FILES = Number(flags.files);
const ROWS_PER_FILE = Number(flags.rows);
const RUNS = Number(flags.runs);
for (const [name, n] of Object.entries({ days: DAYS, files: FILES, rows: ROWS_PER_FILE, runs: RUNS })) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
}
const TOTAL_ROWS = DAYS * FILES * ROWS_PER_FILE;
/** The table's data lives under a prefix named after its size, so each size is created once. */
const PREFIX = `bench/d${DAYS}-f${FILES}-r${ROWS_PER_FILE}`;
const TABLE = 'events';

function day(i: number): string {
  return new Date(Date.UTC(2025, 8, 1 + i)).toISOString().slice(0, 10);
}
const fileKey = (d: number, f: number) => `${PREFIX}/${TABLE}/date=${day(d)}/part-${String(f).padStart(3, '0')}.parquet`;
const allKeys = () => Array.from({ length: DAYS }, (_, d) => Array.from({ length: FILES }, (_, f) => fileKey(d, f))).flat();

/** Six columns an event table typically has; each file's ids are distinct across the table. */
function fileSql(d: number, f: number): string {
  const base = (d * FILES + f) * ROWS_PER_FILE;
  return `SELECT ${base} + r AS id,
      'user-' || (hash(r * 7 + ${f}) % 200000) AS user_id,
      ['page_view', 'click', 'signup', 'purchase', 'search'][(r % 5) + 1] AS event,
      '/page/' || (r % 1000) AS page,
      (r % 10000) * 0.25 AS amount,
      TIMESTAMP '${day(d)}' + to_microseconds((r * 86400000000 // ${ROWS_PER_FILE})::BIGINT) AS ts
    FROM range(${ROWS_PER_FILE}) t(r)`;
}

async function ensureData(s3: S3Client): Promise<{ seconds: number; bytes: number } | undefined> {
  const marker = `${PREFIX}/_bench-complete`;
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((e: { name?: string }) => {
    if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
  });
  const present = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: marker })).then(() => true, () => false);
  if (present) return undefined;
  const started = Date.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-bench-import-data-'));
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  let bytes = 0;
  try {
    const jobs = Array.from({ length: DAYS * FILES }, (_, i) => ({ d: Math.floor(i / FILES), f: i % FILES }));
    for (const { d, f } of jobs) {
      const file = path.join(dir, 'part.parquet');
      await db.run(`COPY (${fileSql(d, f)}) TO ${quoteLiteral(file)} (FORMAT parquet)`);
      const body = readFileSync(file);
      bytes += body.length;
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: fileKey(d, f), Body: body }));
    }
  } finally {
    db.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: marker, Body: 'ok' }));
  return { seconds: (Date.now() - started) / 1000, bytes };
}

/** Wall time, CPU time of the whole process (every thread: DuckDB's, the worker's) and peak RSS sampled every 100 ms while `fn` runs. */
async function measured<T>(fn: () => Promise<T>): Promise<{ seconds: number; cpuSeconds: number; startRss: number; peakRss: number; result: T }> {
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 100);
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    const result = await fn();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return { seconds, cpuSeconds: (used.user + used.system) / 1e6, startRss, peakRss, result };
  } finally {
    clearInterval(sampler);
  }
}

/** A fresh warehouse (its own data dir) with its own worker and client; validated and discovered. */
interface Warehouse {
  settings: Settings;
  client: S3BridgeClient;
  close(): Promise<void>;
}

async function main(): Promise<void> {
  const services = localServiceEnv();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const memoryLimit = loadSettings().duckdbMemoryLimit;
  const s3 = new S3Client({
    region: 'us-east-1', endpoint: services.s3Endpoint, forcePathStyle: true,
    credentials: { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! },
  });
  console.log(`data: ${DAYS} days x ${FILES} Parquet files x ${ROWS_PER_FILE.toLocaleString('en-US')} rows = ${TOTAL_ROWS.toLocaleString('en-US')} rows in s3://${BUCKET}/${PREFIX}/${TABLE}/`);
  const created = await ensureData(s3);
  console.log(created ? `  created in ${created.seconds.toFixed(1)} s (${(created.bytes / 1e6).toFixed(0)} MB)` : '  already present (reused)');

  const { bundlePath, remove: removeBundle } = await bundleWorkflowsToFile('s3bridge-bench-import');
  const temporalConnection = await Connection.connect({ address: services.temporalAddress });
  const temporal = new Client({ connection: temporalConnection });
  await registerSearchAttributes(temporal, temporal.options.namespace);
  const connection: SourceConnection = localSourceConnection({ name: 'bench_import', bucket: BUCKET, prefix: PREFIX });
  const runId = randomBytes(3).toString('hex');
  let warehouses = 0;

  const openWarehouse = async (): Promise<Warehouse> => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-bench-import-'));
    const n = ++warehouses;
    const settings: Settings = { ...loadSettings({ ...process.env, S3BRIDGE_DATA_DIR: dataDir }), taskQueue: `bench-import-${runId}-${n}` };
    const nativeConnection = await NativeConnection.connect({ address: services.temporalAddress });
    const { worker } = await createWorker({ settings, connection: nativeConnection, workflowBundlePath: bundlePath });
    const running = worker.run();
    const client = new S3BridgeClient(temporal, settings, `bench-${runId}-${n}-`);
    const close = async () => {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      rmSync(dataDir, { recursive: true, force: true });
    };
    try {
      const validation = await client.validateConnection({ connection });
      if (validation.status !== 'active') throw new Error(`connection not Active: ${JSON.stringify(validation)}`);
      const discovery = await client.discoverSchema({ connection });
      if (discovery.tablesDiscovered !== 1) throw new Error(`expected 1 table, discovered ${discovery.tablesDiscovered}`);
    } catch (error) {
      await close();
      throw error;
    }
    return { settings, client, close };
  };

  const checkLoaded = (report: ImportReport): string => {
    const { totals } = report;
    if (totals.loaded !== DAYS || totals.failed !== 0 || totals.rows !== TOTAL_ROWS) {
      throw new Error(`unexpected import: ${JSON.stringify(totals)} ${JSON.stringify(report.days.filter((d) => d.status === 'failed'))}`);
    }
    const slowest = Math.max(...report.days.map((d) => d.durationMs)) / 1000;
    return `${totals.loaded} days loaded, ${totals.rows} rows, slowest day ${slowest.toFixed(1)} s`;
  };

  const baseline = (): Promise<string> => withBaselineDuckDB('s3bridge-bench-import', connection, async (db) => {
    const urls = allKeys().map((key) => quoteLiteral(`s3://${BUCKET}/${key}`));
    await db.run(`CREATE TABLE t AS SELECT * FROM read_parquet([${urls.join(', ')}], hive_partitioning = true)`);
    const reader = await db.runAndReadAll('SELECT count(*)::BIGINT AS n FROM t');
    const n = Number(reader.getRowObjects()[0]?.n);
    if (n !== TOTAL_ROWS) throw new Error(`baseline read ${n} rows, expected ${TOTAL_ROWS}`);
    return `${n} rows`;
  });

  const eventsMapping: ImportInput['mapping'] = {
    mode: 'events',
    events: {
      eventName: { column: 'event' },
      userId: 'user_id',
      timestamp: { column: 'ts', format: 'iso', timezone: 'UTC' },
      value: 'amount',
      properties: ['page', 'id'],
    },
  };

  const names = {
    baseline: 'baseline: DuckDB httpfs, CREATE TABLE AS SELECT * FROM read_parquet(every file)',
    raw: 'importTable raw, every day (fresh warehouse)',
    rerun: 're-run, nothing changed (every day skipped)',
    events: 'importTable events mapping, every day (fresh warehouse)',
  } as const;
  type Row = keyof typeof names;
  const samples: Record<Row, { seconds: number; cpuSeconds: number; startRss: number; peakRss: number }[]> = { baseline: [], raw: [], rerun: [], events: [] };
  const mb = (bytes: number) => `${Math.round(bytes / 1e6).toLocaleString('en-US')} MB`;
  const record = async (row: Row, fn: () => Promise<string>) => {
    const run = await measured(fn);
    samples[row].push(run);
    console.log(`  ${row}: ${run.seconds.toFixed(2)} s (CPU ${run.cpuSeconds.toFixed(1)} s), RSS ${mb(run.startRss)} -> peak ${mb(run.peakRss)} (${run.result})`);
  };

  try {
    // Untimed warm-up (one day): the first worker's tasks, DuckDB's first httpfs load, MinIO's caches.
    {
      const w = await openWarehouse();
      try {
        const report = await w.client.importTable({ connection, table: TABLE, days: { from: day(0), to: day(0) } });
        if (report.totals.loaded !== 1) throw new Error(`warm-up failed: ${JSON.stringify(report.days)}`);
        console.log(`  warm-up: 1 day, ${report.totals.rows} rows in ${(report.days[0]!.durationMs / 1000).toFixed(1)} s`);
      } finally {
        await w.close();
      }
    }
    for (let round = 1; round <= RUNS; round++) {
      console.log(`round ${round} of ${RUNS}`);
      await record('baseline', baseline);
      const raw = await openWarehouse();
      try {
        await record('raw', async () => checkLoaded(await raw.client.importTable({ connection, table: TABLE, days: 'all' })));
        await record('rerun', async () => {
          const report = await raw.client.importTable({ connection, table: TABLE });
          if (report.totals.skipped !== DAYS || report.totals.loaded !== 0 || report.totals.failed !== 0) {
            throw new Error(`re-run was not all skipped: ${JSON.stringify(report.totals)}`);
          }
          return `${report.totals.skipped} days skipped`;
        });
      } finally {
        await raw.close();
      }
      const events = await openWarehouse();
      try {
        await record('events', async () => checkLoaded(await events.client.importTable({ connection, table: TABLE, days: 'all', mapping: eventsMapping })));
      } finally {
        await events.close();
      }
    }
  } finally {
    await temporalConnection.close();
    s3.destroy();
    removeBundle();
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(samples.baseline.map((s) => s.seconds));
  console.log(`\n| run | median s (${RUNS} run${RUNS === 1 ? '' : 's'}) | min-max s | rows/s | vs baseline | CPU s (median) | RSS before (median) | peak RSS (max of runs) |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of Object.keys(names) as Row[]) {
    const seconds = samples[row].map((s) => s.seconds);
    const m = median(seconds);
    const rate = row === 'rerun' ? '-' : Math.round(TOTAL_ROWS / m).toLocaleString('en-US');
    const cpu = median(samples[row].map((s) => s.cpuSeconds));
    const before = median(samples[row].map((s) => s.startRss));
    const peak = Math.max(...samples[row].map((s) => s.peakRss));
    console.log(`| ${names[row]} | ${m.toFixed(2)} | ${Math.min(...seconds).toFixed(1)}-${Math.max(...seconds).toFixed(1)} | ${rate} | ${(m / base).toFixed(2)}x | ${cpu.toFixed(1)} | ${mb(before)} | ${mb(peak)} |`);
  }
  const [load1, load5] = os.loadavg();
  console.log(`\n${TOTAL_ROWS.toLocaleString('en-US')} rows (${DAYS} days x ${FILES} files x ${ROWS_PER_FILE.toLocaleString('en-US')}); DuckDB memory_limit ${memoryLimit} (S3BRIDGE_DUCKDB_MEMORY_LIMIT); ` +
    `machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, ${mb(os.totalmem())} RAM, node ${process.version}; load average at the end ${load1?.toFixed(1)} (1 min), ${load5?.toFixed(1)} (5 min)`);
  writeBenchResults('import', {
    parameters: { days: DAYS, files: FILES, rowsPerFile: ROWS_PER_FILE, runs: RUNS, duckdbMemoryLimit: memoryLimit },
    rows: Object.fromEntries((Object.keys(names) as Row[]).map((row) => {
      const m = median(samples[row].map((s) => s.seconds));
      return [row, {
        seconds: m, cpuSeconds: median(samples[row].map((s) => s.cpuSeconds)), peakRssBytes: Math.max(...samples[row].map((s) => s.peakRss)),
        ...(row === 'rerun' ? {} : { rowsPerSecond: TOTAL_ROWS / m }), runs: samples[row].length,
      }];
    })),
    baseline: 'baseline',
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
