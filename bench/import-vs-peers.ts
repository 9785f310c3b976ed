/**
 * Import against the limit and a peer, in one process and one run (see bench/README.md):
 *
 *   npx tsx bench/import-vs-peers.ts                 # everything, 3 rounds
 *   npx tsx bench/import-vs-peers.ts --runs 1 --no-dlt
 *   npx tsx bench/import-vs-peers.ts --runs 3 --no-dlt --no-growth --sets large,small
 *   npx tsx bench/import-vs-peers.ts --growth-only   # growth alone (1, 30, 365 days), no dlt
 *
 * Data (created once, deterministically, in bucket s3bridge-bench-peers of the local MinIO):
 * - large: 3 days x 10 Parquet files x 200,000 rows (6M rows, six event columns);
 * - small: 1 day x 1,000 Parquet files x 3 rows;
 * - csvgz / ndjsongz: 1 day x 4 files x 250,000 rows of the same columns, gzipped CSV / NDJSON;
 * - growth: 365 days x 1 Parquet file x 10 rows (per-day orchestration overhead).
 * Per round, for each data set: the baseline (one DuckDB query, same memory limit and threads
 * as the worker's, `CREATE TABLE t AS SELECT * FROM read_*([every object])` into a fresh DuckDB
 * file), s3bridge's importTable through the real Temporal server and an in-process worker (a
 * fresh warehouse each time; validation and discovery untimed), and dlt (pinned, in its own
 * venv) loading the same objects into DuckDB through its filesystem source: "fastest" (Arrow
 * batches, Parquet load files) on every data set, "defaults" (Python dicts, default load files)
 * on one file of `large` only (200,000 rows), once, because on all of it the defaults take
 * over 15 minutes. Growth: importTable of 1, 30 and 365 days of `growth`, overhead per day =
 * (wall time - the baseline's read of the same files) / days; the worker's peak RSS each time.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { withBaselineDuckDB } from './support/baseline-duckdb';
import { bundleWorkflowsToFile } from './support/workflow-bundle';
import { writeBenchResults, type BenchRow } from './support/results-file';
import { S3BridgeClient } from '../src/client/s3bridge-client';
import { quoteLiteral } from '../src/duckdb/sql';
import type { ImportInput, ImportReport } from '../src/workflow-safe/import/import-input';
import type { SourceConnection } from '../src/workflow-safe/connection';

const BUCKET = 's3bridge-bench-peers';
const PREFIX = 'peers/v1';
const DLT_VERSION = '1.31.0';
// The peer runs on s3bridge's own DuckDB (1.4 LTS), not on whatever pip resolves for dlt.
const DUCKDB_PY_VERSION = '1.4.4';
const VENV = path.resolve('.tools/bench-venv');
const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '3' },
    'no-dlt': { type: 'boolean', default: false },
    'no-growth': { type: 'boolean', default: false },
    // Growth alone: no rounds of the other data sets, no dlt.
    'growth-only': { type: 'boolean', default: false },
    // Which data sets the rounds run (comma-separated): large,small,csvgz,ndjsongz.
    sets: { type: 'string', default: 'large,small,csvgz,ndjsongz' },
    // Also the baseline read through the egress gate's proxy and importTable without it: what the gate costs.
    'gate-cost': { type: 'boolean', default: false },
  },
});
const RUNS = Number(flags.runs);

type Format = 'parquet' | 'csv.gz' | 'ndjson.gz';
interface DataSet { name: string; days: number; files: number; rows: number; format: Format }
const SETS: DataSet[] = [
  { name: 'large', days: 3, files: 10, rows: 200_000, format: 'parquet' },
  { name: 'small', days: 1, files: 1_000, rows: 3, format: 'parquet' },
  { name: 'csvgz', days: 1, files: 4, rows: 250_000, format: 'csv.gz' },
  { name: 'ndjsongz', days: 1, files: 4, rows: 250_000, format: 'ndjson.gz' },
  { name: 'growth', days: 365, files: 1, rows: 10, format: 'parquet' },
];
const setNamed = (name: string) => SETS.find((s) => s.name === name)!;
const total = (s: DataSet) => s.days * s.files * s.rows;

function day(i: number): string {
  return new Date(Date.UTC(2024, 8, 1 + i)).toISOString().slice(0, 10);
}
const setPrefix = (s: DataSet) => `${PREFIX}/${s.name}`;
const fileKey = (s: DataSet, d: number, f: number) => `${setPrefix(s)}/events/date=${day(d)}/part-${String(f).padStart(4, '0')}.${s.format}`;
const keysOf = (s: DataSet, days = s.days) => Array.from({ length: days }, (_, d) => Array.from({ length: s.files }, (_, f) => fileKey(s, d, f))).flat();
const urlsOf = (s: DataSet, days = s.days) => keysOf(s, days).map((k) => `s3://${BUCKET}/${k}`);

/** Six columns an event table typically has; each file's ids are distinct across the set. */
function fileSql(s: DataSet, d: number, f: number): string {
  const base = (d * s.files + f) * s.rows;
  return `SELECT ${base} + r AS id,
      'user-' || (hash(r * 7 + ${f}) % 200000) AS user_id,
      ['page_view', 'click', 'signup', 'purchase', 'search'][(r % 5) + 1] AS event,
      '/page/' || (r % 1000) AS page,
      (r % 10000) * 0.25 AS amount,
      TIMESTAMP '${day(d)}' + to_microseconds((r * 86400000000 // ${s.rows})::BIGINT) AS ts
    FROM range(${s.rows}) t(r)`;
}

const COPY_OPTIONS: Record<Format, string> = {
  parquet: 'FORMAT parquet',
  'csv.gz': 'FORMAT csv, HEADER true, COMPRESSION gzip',
  'ndjson.gz': 'FORMAT json, COMPRESSION gzip',
};

async function ensureData(s3: S3Client): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((e: { name?: string }) => {
    if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-bench-peers-data-'));
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    for (const s of SETS) {
      const marker = `${setPrefix(s)}/_bench-complete`;
      if (await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: marker })).then(() => true, () => false)) continue;
      const started = Date.now();
      for (let d = 0; d < s.days; d++) {
        for (let f = 0; f < s.files; f++) {
          const file = path.join(dir, `part.${s.format}`);
          await db.run(`COPY (${fileSql(s, d, f)}) TO ${quoteLiteral(file)} (${COPY_OPTIONS[s.format]})`);
          await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: fileKey(s, d, f), Body: readFileSync(file) }));
        }
      }
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: marker, Body: 'ok' }));
      console.log(`  created ${s.name}: ${s.days * s.files} objects in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    db.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Sample { seconds: number; cpuSeconds: number; peakRss: number; note: string }

/** Wall time, CPU time of this process (all threads) plus `childCpu`, and peak RSS sampled every 100 ms. */
async function measured(fn: () => Promise<{ note: string; childCpu?: number; childRss?: number }>): Promise<Sample> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 100);
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    const { note, childCpu, childRss } = await fn();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return {
      seconds, note,
      cpuSeconds: childCpu ?? (used.user + used.system) / 1e6,
      peakRss: childRss ?? Math.max(peakRss, process.memoryUsage().rss),
    };
  } finally {
    clearInterval(sampler);
  }
}

function readerSql(s: DataSet): string {
  if (s.format === 'parquet') return 'read_parquet($files)';
  if (s.format === 'csv.gz') return 'read_csv($files)';
  return "read_json($files, format='newline_delimited')";
}

/** The limit: one DuckDB query reading the objects into a table of a fresh DuckDB file. */
async function baseline(s: DataSet, connection: SourceConnection, days = s.days, throughEgressGate = false): Promise<{ note: string }> {
  return withBaselineDuckDB('s3bridge-bench-peers', connection, async (db) => {
    const files = urlsOf(s, days).map(quoteLiteral).join(', ');
    await db.run(`CREATE TABLE t AS SELECT * FROM ${readerSql(s).replace('$files', `[${files}]`)}`);
    const reader = await db.runAndReadAll('SELECT count(*)::BIGINT AS n FROM t');
    const n = Number(reader.getRowObjects()[0]?.n);
    const expected = days * s.files * s.rows;
    if (n !== expected) throw new Error(`baseline read ${n} rows, expected ${expected}`);
    return { note: `${n} rows` };
  }, { throughEgressGate });
}

const DLT_SCRIPT = String.raw`
import os, sys, time, resource, dlt
from dlt.sources.filesystem import filesystem, read_parquet, read_csv, read_csv_duckdb
bucket_url, glob, fmt, mode, db_path = sys.argv[1:6]
files = filesystem(bucket_url=bucket_url, file_glob=glob)
if fmt == "parquet":
    reader = files | (read_parquet(use_pyarrow=True, chunksize=100000) if mode == "fastest" else read_parquet())
elif fmt == "csv.gz":
    # dlt's file items decompress .gz objects themselves (telling the reader "gzip" again fails: "Input is not a GZIP stream").
    reader = files | (read_csv_duckdb(use_pyarrow=True, chunk_size=100000) if mode == "fastest" else read_csv())
else:
    raise SystemExit("dlt's read_jsonl cannot be told to decompress objects without Content-Encoding")
pipeline = dlt.pipeline(pipeline_name="bench_" + mode + "_" + str(os.getpid()), destination=dlt.destinations.duckdb(db_path),
                        dataset_name="bench", pipelines_dir=os.path.dirname(db_path))
kwargs = {"loader_file_format": "parquet"} if mode == "fastest" else {}
info = pipeline.run(reader.with_name("events"), **kwargs)
with pipeline.sql_client() as client:
    n = client.execute_sql("SELECT count(*) FROM events")[0][0]
print(n)
`;

function ensureDlt(): string {
  const python = path.join(VENV, 'bin', 'python');
  const versions = `${DLT_VERSION} ${DUCKDB_PY_VERSION}`;
  const pinned = () => { try { return execFileSync(python, ['-c', 'import dlt, duckdb, pyarrow, s3fs; print(dlt.__version__, duckdb.__version__)']).toString().trim() === versions; } catch { return false; } };
  if (!existsSync(python) || !pinned()) {
    console.log(`  installing dlt ${DLT_VERSION} into ${VENV} (pip)`);
    execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
    execFileSync(path.join(VENV, 'bin', 'pip'), ['install', '-q', `dlt[duckdb,filesystem,s3,parquet]==${DLT_VERSION}`, `duckdb==${DUCKDB_PY_VERSION}`], { stdio: 'inherit' });
  }
  if (!pinned()) throw new Error(`dlt ${DLT_VERSION} with duckdb ${DUCKDB_PY_VERSION} is not importable from ${VENV}`);
  return python;
}

/** dlt in its own process, with its CPU seconds and peak RSS (wait4's rusage via /usr/bin/time-free Python). */
function runDlt(python: string, s: DataSet, mode: 'fastest' | 'defaults', glob: string, expected: number): Promise<{ note: string; childCpu: number; childRss: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-bench-peers-dlt-'));
  const script = path.join(dir, 'load.py');
  writeFileSync(script, DLT_SCRIPT);
  // A wrapper reports the child's rusage: CPU seconds and max RSS of the dlt process.
  const wrapper = `import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stdout.write(r.stdout); sys.stderr.write(r.stderr[-4000:])
print("RUSAGE", u.ru_utime + u.ru_stime, u.ru_maxrss * 1024)
sys.exit(r.returncode)`;
  const env = {
    ...process.env,
    SOURCES__FILESYSTEM__CREDENTIALS__AWS_ACCESS_KEY_ID: process.env.MINIO_ROOT_USER!,
    SOURCES__FILESYSTEM__CREDENTIALS__AWS_SECRET_ACCESS_KEY: process.env.MINIO_ROOT_PASSWORD!,
    SOURCES__FILESYSTEM__CREDENTIALS__ENDPOINT_URL: process.env.S3BRIDGE_S3_ENDPOINT ?? 'http://127.0.0.1:9000',
    SOURCES__FILESYSTEM__CREDENTIALS__REGION_NAME: 'us-east-1',
    RUNTIME__LOG_LEVEL: 'WARNING',
    DLT_TELEMETRY_DISABLED: '1',
    RUNTIME__DLTHUB_TELEMETRY: 'false',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', wrapper, python, script, `s3://${BUCKET}/${setPrefix(s)}/events`, glob, s.format, mode, path.join(dir, 'dlt.duckdb')], { env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      const lines = out.trim().split('\n');
      const usage = lines.find((l) => l.startsWith('RUSAGE'))?.split(' ');
      const n = Number(lines.find((l) => /^\d+$/.test(l)));
      if (code !== 0 || !usage) return reject(new Error(`dlt ${mode} failed (${code}): ${err.slice(-2000)}`));
      if (n !== expected) return reject(new Error(`dlt ${mode} loaded ${n} rows, expected ${expected}`));
      resolve({ note: `${n} rows`, childCpu: Number(usage[1]), childRss: Number(usage[2]) });
    });
  });
}

async function main(): Promise<void> {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a positive integer');
  const services = localServiceEnv();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const s3 = new S3Client({
    region: 'us-east-1', endpoint: services.s3Endpoint, forcePathStyle: true,
    credentials: { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! },
  });
  await ensureData(s3);
  const python = flags['no-dlt'] || flags['growth-only'] ? undefined : ensureDlt();

  const { bundlePath, remove: removeBundle } = await bundleWorkflowsToFile('s3bridge-bench-peers');
  const temporalConnection = await Connection.connect({ address: services.temporalAddress });
  const temporal = new Client({ connection: temporalConnection });
  const runId = randomBytes(3).toString('hex');
  const connectionOf = (s: DataSet): SourceConnection => localSourceConnection({ name: `bench_${s.name}`, bucket: BUCKET, prefix: setPrefix(s) });
  let warehouses = 0;

  /** A fresh warehouse with its own worker; validated and discovered (untimed). */
  const withFreshWarehouse = async <T>(s: DataSet, fn: (client: S3BridgeClient) => Promise<T>, bypassGate = false): Promise<T> => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-bench-peers-'));
    const n = ++warehouses;
    const settings: Settings = {
      ...loadSettings({ ...process.env, S3BRIDGE_DATA_DIR: dataDir }), taskQueue: `bench-peers-${runId}-${n}`,
      ...(bypassGate ? { bypassEgressProxyForBench: true } : {}),
    };
    const nativeConnection = await NativeConnection.connect({ address: services.temporalAddress });
    const { worker } = await createWorker({ settings, connection: nativeConnection, workflowBundlePath: bundlePath });
    const running = worker.run();
    try {
      const client = new S3BridgeClient(temporal, settings, `bench-${runId}-${n}-`);
      const validation = await client.validateConnection({ connection: connectionOf(s) });
      if (validation.status !== 'active') throw new Error(`connection not Active: ${JSON.stringify(validation)}`);
      const discovery = await client.discoverSchema({ connection: connectionOf(s) });
      if (discovery.tablesDiscovered !== 1) throw new Error(`expected 1 table, discovered ${discovery.tablesDiscovered}`);
      return await fn(client);
    } finally {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };

  const eventsMapping: ImportInput['mapping'] = {
    mode: 'events',
    events: {
      eventName: { column: 'event' }, userId: 'user_id', timestamp: { column: 'ts', format: 'iso', timezone: 'UTC' },
      value: 'amount', properties: ['page', 'id'],
    },
  };

  const importRun = (s: DataSet, mapping?: ImportInput['mapping'], days = s.days, concurrency = 4, bypassGate = false) => withFreshWarehouse(s, async (client) => {
    const selection = days === s.days ? 'all' as const : { from: day(0), to: day(days - 1) };
    return measured(async () => {
      const report: ImportReport = await client.importTable({ connection: connectionOf(s), table: 'events', days: selection, concurrency, ...(mapping ? { mapping } : {}) });
      const expected = days * s.files * s.rows;
      if (report.totals.loaded !== days || report.totals.failed !== 0 || report.totals.rows !== expected) {
        throw new Error(`unexpected import of ${s.name}: ${JSON.stringify(report.totals)} ${JSON.stringify(report.days.filter((d) => d.status === 'failed').slice(0, 3))}`);
      }
      return { note: `${report.totals.rows} rows, ${days} days` };
    });
  }, bypassGate);

  const samples = new Map<string, Sample[]>();
  const record = async (row: string, fn: () => Promise<Sample>) => {
    const sample = await fn().catch((error: unknown) => {
      // A peer that fails is reported, not fatal: the rest of the run still measures s3bridge.
      if (!row.includes('dlt')) throw error;
      console.log(`  ${row}: FAILED ${String(error).slice(0, 500)}`);
      return undefined;
    });
    if (!sample) return;
    samples.set(row, [...(samples.get(row) ?? []), sample]);
    console.log(`  ${row}: ${sample.seconds.toFixed(2)} s (CPU ${sample.cpuSeconds.toFixed(1)} s, peak RSS ${Math.round(sample.peakRss / 1e6)} MB) ${sample.note}`);
  };
  const loads: string[] = [];
  const noteLoad = () => { loads.push(os.loadavg()[0]!.toFixed(1)); };

  try {
    // Untimed warm-up: the first worker's tasks, DuckDB's first httpfs load, MinIO's caches.
    await importRun(setNamed('large'), undefined, 1);
    // Growth first: one run each, the most expensive rows on a loaded machine.
    if (!flags['no-growth']) {
      const s = setNamed('growth');
      for (const days of [1, 30, 365]) {
        await record(`growth${days}:baseline`, () => measured(() => baseline(s, connectionOf(s), days)));
        await record(`growth${days}:raw`, () => importRun(s, undefined, days, 8));
      }
    }
    for (let round = 1; round <= (flags['growth-only'] ? 0 : RUNS); round++) {
      console.log(`round ${round} of ${RUNS} (load average ${os.loadavg()[0]!.toFixed(1)})`);
      noteLoad();
      for (const name of flags.sets.split(',').map((x) => x.trim()).filter(Boolean)) {
        const s = setNamed(name);
        await record(`${name}:baseline`, () => measured(() => baseline(s, connectionOf(s))));
        if (flags['gate-cost']) await record(`${name}:baseline-gated`, () => measured(() => baseline(s, connectionOf(s), s.days, true)));
        await record(`${name}:raw`, () => importRun(s));
        if (flags['gate-cost']) await record(`${name}:raw-no-gate`, () => importRun(s, undefined, s.days, 4, true));
        if (name === 'large') await record(`${name}:events`, () => importRun(s, eventsMapping));
        if (python && s.format !== 'ndjson.gz') await record(`${name}:dlt-fastest`, () => measured(() => runDlt(python, s, 'fastest', `**/*.${s.format}`, total(s))));
      }
    }
    if (python && flags.sets.includes('large')) {
      const s = setNamed('large');
      // Defaults on one file only (200,000 rows): on the whole set they take over 15 minutes.
      await record('large1:baseline', () => measured(() => baseline({ ...s, files: 1 }, connectionOf(s), 1)));
      await record('large1:dlt-defaults', () => measured(() => runDlt(python, s, 'defaults', `date=${day(0)}/part-0000.parquet`, s.rows)));
    }
  } finally {
    await temporalConnection.close();
    s3.destroy();
    removeBundle();
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const med = (row: string) => median((samples.get(row) ?? []).map((x) => x.seconds));
  const mb = (bytes: number) => `${Math.round(bytes / 1e6).toLocaleString('en-US')} MB`;
  const describe = (s: DataSet) => `${s.days} d x ${s.files} ${s.format} x ${s.rows.toLocaleString('en-US')} rows`;
  console.log(`\n| data | run | median s | min-max s | rows/s | vs baseline | CPU s (median) | peak RSS (max) |`);
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const [row, xs] of samples) {
    const [set, run] = row.split(':') as [string, string];
    if (set.startsWith('growth')) continue;
    const s = set === 'large1' ? { ...setNamed('large'), days: 1, files: 1 } : setNamed(set);
    const m = med(row);
    const seconds = xs.map((x) => x.seconds);
    console.log(`| ${set} (${describe(s)}) | ${run} | ${m.toFixed(2)} | ${Math.min(...seconds).toFixed(1)}-${Math.max(...seconds).toFixed(1)} | ` +
      `${Math.round(total(s) / m).toLocaleString('en-US')} | ${(m / med(`${set}:baseline`)).toFixed(2)}x | ${median(xs.map((x) => x.cpuSeconds)).toFixed(1)} | ${mb(Math.max(...xs.map((x) => x.peakRss)))} |`);
  }
  for (const set of flags['gate-cost'] ? flags.sets.split(',').map((x) => x.trim()) : []) {
    const cpu = (row: string) => median((samples.get(row) ?? []).map((x) => x.cpuSeconds));
    console.log(`\negress gate on ${set}: baseline read through it / direct ${(med(`${set}:baseline-gated`) / med(`${set}:baseline`)).toFixed(3)}x wall, `
      + `${(cpu(`${set}:baseline-gated`) / cpu(`${set}:baseline`)).toFixed(3)}x CPU; importTable raw with it / without ${(med(`${set}:raw`) / med(`${set}:raw-no-gate`)).toFixed(3)}x wall, `
      + `${(cpu(`${set}:raw`) / cpu(`${set}:raw-no-gate`)).toFixed(3)}x CPU`);
  }
  if (samples.has('large:dlt-fastest')) {
    console.log(`\ns3bridge raw vs dlt fastest on large: ${(med('large:dlt-fastest') / med('large:raw')).toFixed(2)}x faster; events: ${(med('large:dlt-fastest') / med('large:events')).toFixed(2)}x`);
  }
  if (samples.has('growth365:raw')) {
    console.log('\n| days (growth) | import s | baseline read s | overhead per day ms | worker peak RSS |');
    console.log('|---:|---:|---:|---:|---:|');
    for (const days of [1, 30, 365]) {
      const imported = med(`growth${days}:raw`);
      const read = med(`growth${days}:baseline`);
      console.log(`| ${days} | ${imported.toFixed(2)} | ${read.toFixed(2)} | ${(((imported - read) / days) * 1000).toFixed(0)} | ${mb(Math.max(...samples.get(`growth${days}:raw`)!.map((x) => x.peakRss)))} |`);
    }
  }
  const duckdbVersion = String((await (await (await DuckDBInstance.create(':memory:')).connect()).runAndReadAll('SELECT version() AS v')).getRowObjects()[0]?.v);
  const versions = `node ${process.version}, DuckDB ${duckdbVersion}, dlt ${python ? DLT_VERSION : '(not run)'}`;
  console.log(`\n${new Date().toISOString()}; ${os.cpus().length} cores (${os.cpus()[0]?.model ?? ''}), ${mb(os.totalmem())} RAM; ${versions}; ` +
    `DuckDB memory_limit ${loadSettings().duckdbMemoryLimit}; load average (1 min) at each round's start: ${loads.join(', ')}, at the end ${os.loadavg()[0]!.toFixed(1)}`);
  const jsonRows: Record<string, BenchRow> = {};
  for (const [row, xs] of samples) {
    const set = row.split(':')[0]!;
    const s = set === 'large1' ? { ...setNamed('large'), days: 1, files: 1 } : set.startsWith('growth') ? { ...setNamed('growth'), days: Number(set.slice(6)) } : setNamed(set);
    jsonRows[row.replace(':', '.')] = {
      seconds: med(row), cpuSeconds: median(xs.map((x) => x.cpuSeconds)), peakRssBytes: Math.max(...xs.map((x) => x.peakRss)),
      rowsPerSecond: total(s) / med(row), runs: xs.length,
    };
  }
  const ratios: Record<string, number> = {};
  for (const row of samples.keys()) {
    const [set, run] = row.split(':') as [string, string];
    if ((run === 'raw' || run === 'events') && samples.has(`${set}:dlt-fastest`)) ratios[`${set}.${run}.faster_than_dlt_fastest`] = med(`${set}:dlt-fastest`) / med(row);
  }
  const metrics: Record<string, number> = {};
  if (samples.has('growth365:raw')) {
    for (const days of [1, 30, 365]) {
      metrics[`growth.overhead_ms_per_day.${days}`] = ((med(`growth${days}:raw`) - med(`growth${days}:baseline`)) / days) * 1000;
      metrics[`growth.worker_peak_rss_bytes.${days}`] = Math.max(...samples.get(`growth${days}:raw`)!.map((x) => x.peakRss));
    }
    ratios['growth.worker_peak_rss_365_vs_1'] = metrics['growth.worker_peak_rss_bytes.365']! / metrics['growth.worker_peak_rss_bytes.1']!;
  }
  writeBenchResults('import-vs-peers', {
    parameters: { runs: RUNS, sets: flags.sets, dlt: !flags['no-dlt'], growth: !flags['no-growth'], duckdbMemoryLimit: loadSettings().duckdbMemoryLimit },
    rows: jsonRows, baseline: (row) => (row.endsWith('.baseline') ? undefined : row.replace(/\.[^.]*$/, '.baseline')), ratios, metrics,
    versions: { dlt: python ? DLT_VERSION : 'not run', duckdbPython: python ? DUCKDB_PY_VERSION : 'not run' },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
