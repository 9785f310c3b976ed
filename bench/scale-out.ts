/**
 * Scale-out benchmark: the same import (shared setup: catalog and DuckLake metadata in the local
 * Postgres, lake data in MinIO) with 1 and with 2 worker processes, each pinned with taskset to
 * its own core, through the real importTable workflow. Reports wall time, rows/s and the ratio.
 *
 *   npx tsx bench/scale-out.ts                  # 12 days x 2 files x 200,000 rows
 *   npx tsx bench/scale-out.ts --days 24 --rows 500000
 *
 * Needs `S3BRIDGE_WITH_POSTGRES=1 bash scripts/services.sh start`. Each run gets its own task
 * queue, Postgres database and lake prefix; the source table is written once per size.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadSettings } from '../src/config/settings';
import { localServiceEnv, localSourceConnection, PROJECT_ROOT } from '../src/config/local-services';
import { WORKFLOWS_PATH } from '../src/worker/workflows-path';
import { S3BridgeClient } from '../src/client/s3bridge-client';
import { putTable } from '../test/support/objects';
import { sharedSettings } from '../test/support/shared-store';
import { spawnWorkerProcess } from '../test/support/spawn-worker';
import { writeBenchResults } from './support/results-file';

const BUCKET = 's3bridge-bench-scale-out';
const { values: flags } = parseArgs({
  options: {
    days: { type: 'string', default: '12' }, files: { type: 'string', default: '2' }, rows: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
  },
});
const DAYS = Number(flags.days);
const FILES = Number(flags.files);
const ROWS = Number(flags.rows);
const PREFIX = `bench/d${DAYS}-f${FILES}-r${ROWS}`;
const TOTAL = DAYS * FILES * ROWS;

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds of a process (user + system; with `children`, also its reaped children's). */
function cpuSeconds(pid: number, children = false): number {
  try {
    // Fields after the command (which may hold spaces): state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
    return (utime! + stime! + (children ? cutime! + cstime! : 0)) / TICKS;
  } catch {
    return 0;
  }
}

/** A process's live children (Postgres backends are children of the postmaster). */
function childPids(parent: number): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      return Number(readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]) === parent ? [Number(d)] : [];
    } catch {
      return [];
    }
  });
}

/** The local services' CPU (scripts/services.sh records their pids); Postgres: the postmaster, its live backends and the reaped ones. */
function servicesCpu(): Record<string, number> {
  const pid = (name: string) => Number(readFileSync(path.join(PROJECT_ROOT, '.tools/run', `${name}.pid`), 'utf8').trim());
  const postmaster = pid('postgres');
  const postgres = cpuSeconds(postmaster, true) + childPids(postmaster).reduce((n, child) => n + cpuSeconds(child), 0);
  return { temporal: cpuSeconds(pid('temporal')), minio: cpuSeconds(pid('minio')), postgres };
}

async function main(): Promise<void> {
  const services = localServiceEnv();
  const s3 = new S3Client({ region: 'us-east-1', endpoint: services.s3Endpoint, forcePathStyle: true,
    credentials: { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! } });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => undefined);
  const marker = `${PREFIX}/events/_complete`;
  if (!(await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: marker })).then(() => true, () => false))) {
    console.log(`writing ${TOTAL} rows under s3://${BUCKET}/${PREFIX}/ (once per size)`);
    for (let d = 0; d < DAYS; d += 1) {
      const day = new Date(Date.UTC(2025, 0, 1 + d)).toISOString().slice(0, 10);
      for (let f = 0; f < FILES; f += 1) {
        await putTable(s3, BUCKET, `${PREFIX}/events/date=${day}/part-${f}.parquet`,
          `SELECT ${d * FILES + f}::BIGINT * ${ROWS} + r AS id, 'e' || (r % 17) AS event, r * 0.5 AS value, 'user-' || (r % 1000) AS user_id FROM range(${ROWS}) t(r)`);
      }
    }
    await putTable(s3, BUCKET, marker, 'SELECT 1');
  }
  const bundleDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-bench-scale-out-'));
  const bundlePath = path.join(bundleDir, 'workflows.js');
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} } });
  writeFileSync(bundlePath, code);
  const temporalConnection = await Connection.connect({ address: services.temporalAddress });
  const temporal = new Client({ connection: temporalConnection });
  const connection = localSourceConnection({ name: 'bench_scale_out', bucket: BUCKET, prefix: `${PREFIX}/` });

  interface Sample { seconds: number; workerCpu: number; services: Record<string, number> }
  const run = async (workers: number): Promise<Sample> => {
    const id = `bench-${workers}w-${randomBytes(3).toString('hex')}`;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-bench-scale-out-'));
    const settings = await sharedSettings({ id, bucket: BUCKET, settings: { ...loadSettings({ ...process.env, S3BRIDGE_DATA_DIR: dataDir }), taskQueue: id } });
    const procs = await Promise.all(Array.from({ length: workers }, (_, core) => spawnWorkerProcess(settings, bundlePath, { pinToCore: core })));
    try {
      const client = new S3BridgeClient(temporal, settings, `${id}-`);
      const validation = await client.validateConnection({ connection });
      if (validation.status !== 'active') throw new Error(`connection not Active: ${validation.reason ?? ''}`);
      await client.discoverSchema({ connection });
      const servicesBefore = servicesCpu();
      const workersBefore = procs.reduce((n, p) => n + cpuSeconds(p.child.pid!), 0);
      const started = Date.now();
      const report = await client.importTable({ connection, table: 'events', days: 'all', concurrency: 4 });
      const seconds = (Date.now() - started) / 1000;
      if (report.totals.rows !== TOTAL || report.totals.loaded !== DAYS) throw new Error(`unexpected import: ${JSON.stringify(report.totals)}`);
      const workerCpu = procs.reduce((n, p) => n + cpuSeconds(p.child.pid!), 0) - workersBefore;
      const after = servicesCpu();
      const services = Object.fromEntries(Object.entries(after).map(([name, cpu]) => [name, cpu - servicesBefore[name]!]));
      console.log(`${workers} worker(s): ${TOTAL} rows in ${seconds.toFixed(1)} s = ${Math.round(TOTAL / seconds)} rows/s; CPU s: workers ${workerCpu.toFixed(1)}, ` +
        Object.entries(services).map(([name, cpu]) => `${name} ${cpu.toFixed(1)}`).join(', '));
      return { seconds, workerCpu, services };
    } finally {
      await Promise.all(procs.map((p) => p.kill()));
      rmSync(dataDir, { recursive: true, force: true });
    }
  };

  console.log(`uptime: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (load averages, ${os.cpus().length} cores)`);
  // Alternating rounds, so a change in the machine's load hits both sides alike.
  const samples: Record<1 | 2, Sample[]> = { 1: [], 2: [] };
  for (let round = 0; round < Number(flags.rounds); round += 1) {
    samples[1].push(await run(1));
    samples[2].push(await run(2));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log('\n| workers | median s | rows/s | worker CPU s | Temporal CPU s | MinIO CPU s | Postgres CPU s |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const workers of [1, 2] as const) {
    const xs = samples[workers];
    const m = median(xs.map((x) => x.seconds));
    const cpu = (f: (x: Sample) => number) => median(xs.map(f)).toFixed(1);
    console.log(`| ${workers} | ${m.toFixed(1)} | ${Math.round(TOTAL / m).toLocaleString('en-US')} | ${cpu((x) => x.workerCpu)} | ` +
      `${cpu((x) => x.services.temporal!)} | ${cpu((x) => x.services.minio!)} | ${cpu((x) => x.services.postgres!)} |`);
  }
  console.log(`\nthroughput ratio (2 workers / 1 worker, medians of ${flags.rounds}): ${(median(samples[1].map((x) => x.seconds)) / median(samples[2].map((x) => x.seconds))).toFixed(2)}`);
  console.log(`uptime: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const side = (workers: 1 | 2) => ({ seconds: median(samples[workers].map((x) => x.seconds)), cpuSeconds: median(samples[workers].map((x) => x.workerCpu)) });
  writeBenchResults('scale-out', {
    parameters: { days: DAYS, files: FILES, rowsPerFile: ROWS, rounds: Number(flags.rounds), concurrency: 4, pinnedCores: [0, 1] },
    // CPU seconds: the worker processes' (from /proc), not the bench's.
    rows: Object.fromEntries(([1, 2] as const).map((w) => [`workers${w}`, { ...side(w), rowsPerSecond: TOTAL / side(w).seconds, runs: samples[w].length }])),
    ratios: { throughput_2_vs_1_workers: side(1).seconds / side(2).seconds, worker_cpu_2_vs_1_workers: side(2).cpuSeconds / side(1).cpuSeconds },
    metrics: Object.fromEntries(([1, 2] as const).flatMap((w) => ['temporal', 'minio', 'postgres'].map((name) =>
      [`workers${w}.${name}_cpu_seconds`, median(samples[w].map((x) => x.services[name]!))]))),
  });
  await temporalConnection.close();
  s3.destroy();
  rmSync(bundleDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
