/**
 * Export benchmark: canonical.events rows in a fresh warehouse (received in 4 loads, one an hour,
 * so the 4 received-hour windows hold a quarter each), exported through the real exportTable
 * workflow (in-process worker, real Temporal server) to the local MinIO. The baseline, in the
 * same process and run: DuckDB writing the same rows as gzipped NDJSON itself,
 * `COPY (SELECT * FROM canonical.events ORDER BY "timestamp") TO '....json.gz' (FORMAT json, COMPRESSION gzip)`.
 *
 *   npx tsx bench/export.ts                  # 1,000,000 events over 4 hourly windows, 3 rounds
 *   npx tsx bench/export.ts --rows 3000000 --hours 6 --max-file-mb 100 --runs 1
 *
 * Each round times: the baseline; exportTable (a fresh destination prefix); the same range again
 * (every key overwritten, no extra object). The table prints the median of the rounds, the ratios
 * the median of each round's own ratio. CPU is the whole process's (worker, DuckDB threads, zlib,
 * Temporal client), not MinIO's; peak RSS is the process's, sampled every 100 ms.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { loadSettings, type Settings } from '../src/config/settings';
import { localServiceEnv, localSourceConnection } from '../src/config/local-services';
import { createWorker } from '../src/worker/create-worker';
import { S3BridgeClient } from '../src/client/s3bridge-client';
import { saveConnection } from '../src/catalog/connection-store';
import { withWarehouse } from '../src/warehouse/embedded-database';
import { ensureBookkeepingTables } from '../src/warehouse/bookkeeping-tables';
import { CANONICAL_COLUMNS, LINEAGE_COLUMNS } from '../src/warehouse/target-table';
import { fileIdSql } from '../src/warehouse/source-files';
import { quoteIdentifier, quoteLiteral } from '../src/duckdb/sql';
import type { DestinationConnection } from '../src/workflow-safe/connection';
import { writeBenchResults } from './support/results-file';
import type { ExportReport } from '../src/workflow-safe/export/export-input';

const { values: flags } = parseArgs({ options: {
  rows: { type: 'string', default: '1000000' }, hours: { type: 'string', default: '4' },
  'max-file-mb': { type: 'string', default: '100' }, runs: { type: 'string', default: '3' },
} });
const ROWS = Number(flags.rows);
const HOURS = Number(flags.hours);
const RUNS = Number(flags.runs);
const START = '2025-09-01T00:00:00Z';
const BUCKET = 's3bridge-bench-export';

interface Timed<T> { result: T; seconds: number; cpu: number; peakRss: number }

async function timed<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  let peakRss = process.memoryUsage.rss();
  const timer = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 100);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const result = await fn();
    const cpu = process.cpuUsage(cpu0);
    return { result, seconds: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6, peakRss };
  } finally {
    clearInterval(timer);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const services = localServiceEnv();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-bench-export-'));
  const settings: Settings = { ...loadSettings({ ...process.env, S3BRIDGE_DATA_DIR: dataDir }), taskQueue: `bench-export-${process.pid}` };
  const s3 = new S3Client({ region: 'us-east-1', endpoint: services.s3Endpoint, forcePathStyle: true, credentials: { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! } });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => undefined);
  const destinationIn = (prefix: string): DestinationConnection => {
    const { format: _f, partitioning: _p, ...base } = localSourceConnection({ name: `bench-out-${prefix}`, bucket: BUCKET, prefix: `run-${process.pid}/${prefix}` });
    return { ...base, direction: 'destination', encryption: { type: 'AES256' } };
  };
  const seed = await timed(() => withWarehouse(settings, async (db) => {
    await ensureBookkeepingTables(db);
    await db.run('CREATE SCHEMA canonical');
    await db.run(`CREATE TABLE canonical.events (${[...CANONICAL_COLUMNS.events, ...LINEAGE_COLUMNS].map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ')})`);
    // Hour h's events were received (committed) in load h, at h:10: the received-hour windows match the event hours.
    await db.run(`INSERT INTO canonical.events SELECT ['page_view', 'click', 'signup', 'purchase'][1 + r % 4], 'user-' || (hash(r) % 200000),
      json_object('anonymousID', 'anon-' || (hash(r * 3) % 500000)), $start::TIMESTAMPTZ + to_microseconds((r * ${HOURS} * 3600000000) // ${ROWS}),
      (r % 100)::VARCHAR, json_object('page', '/page/' || (r % 1000), 'amount', (r % 10000) * 0.25, 'referrer', 'https://example.com/' || (hash(r) % 5000)),
      $start::TIMESTAMPTZ::DATE, ${fileIdSql(`'load-' || ((r * ${HOURS}) // ${ROWS})`, "'events/part-' || (r // 100000) || '.parquet'", "'canonical.events'")}
      FROM range(${ROWS}) t(r)`, { start: START });
    // Each row's file (one per 100,000 rows, in the load of its hour), as an import records it.
    await db.run(`INSERT INTO s3bridge.source_files (file_id, target, connection, table_name, day, source_key, load_id)
      SELECT DISTINCT ${fileIdSql('load_id', 'source_key', "'canonical.events'")}, 'canonical.events', 'bench', 'events', $start::TIMESTAMPTZ::DATE, source_key, load_id
      FROM (SELECT 'events/part-' || (r // 100000) || '.parquet' AS source_key, 'load-' || ((r * ${HOURS}) // ${ROWS}) AS load_id FROM range(${ROWS}) t(r))`, { start: START });
    await db.run(`INSERT INTO s3bridge.load_ledger (connection, table_name, unit, day, load_id, target, fingerprint, config_hash, files,
        file_count, bytes, row_count, rejected_rows, loaded_at)
      SELECT 'bench', 'events', 'hour-' || h, $start::TIMESTAMPTZ::DATE, 'load-' || h, 'canonical.events', 'f', 'c', '[]', 0, 0, ${ROWS} // ${HOURS}, 0,
        $start::TIMESTAMPTZ + to_hours(h) + INTERVAL 10 MINUTE
      FROM range(${HOURS}) t(h)`, { start: START });
    for (let run = 0; run < RUNS; run += 1) await saveConnection(db, destinationIn(`r${run}`));
  }));
  console.log(`seeded ${ROWS.toLocaleString()} events over ${HOURS} hours in ${seed.seconds.toFixed(1)} s`);

  const temporal = new Client({ connection: await Connection.connect({ address: services.temporalAddress }), namespace: settings.temporalNamespace });
  const client = new S3BridgeClient(temporal, settings, `bench-${process.pid}-`);
  const nativeConnection = await NativeConnection.connect({ address: services.temporalAddress });
  const { worker } = await createWorker({ settings, connection: nativeConnection });
  const rounds: { baseline: Timed<number>; first: Timed<ExportReport>; again: Timed<ExportReport> }[] = [];
  await worker.runUntil(async () => {
    for (let run = 0; run < RUNS; run += 1) {
      const destination = destinationIn(`r${run}`);
      const validation = await client.validateConnection({ connection: destination.name });
      if (validation.status !== 'active') throw new Error(`destination not Active: ${validation.reason ?? ''}`);
      const local = path.join(dataDir, `baseline-${run}.json.gz`);
      const baseline = await timed(() => withWarehouse(settings, async (db) => {
        await db.run(`COPY (SELECT * FROM canonical.events ORDER BY "timestamp") TO ${quoteLiteral(local)} (FORMAT json, COMPRESSION gzip)`);
        return statSync(local).size;
      }));
      rmSync(local, { force: true });
      const input = {
        destination: destination.name,
        windows: { from: START, to: new Date(Date.parse(START) + HOURS * 3_600_000).toISOString() },
        maxFileBytes: Number(flags['max-file-mb']) * 1024 * 1024,
      };
      const first = await timed(() => client.exportTable(input));
      const again = await timed(() => client.exportTable(input));
      if (first.result.totals.rows !== ROWS) throw new Error(`exported ${first.result.totals.rows} rows of ${ROWS}`);
      rounds.push({ baseline, first, again });
      console.log(`round ${run + 1}: baseline ${baseline.seconds.toFixed(2)} s (${baseline.cpu.toFixed(1)} CPU s), exportTable ${first.seconds.toFixed(2)} s (${first.cpu.toFixed(1)} CPU s), again ${again.seconds.toFixed(2)} s (${again.cpu.toFixed(1)} CPU s); load ${os.loadavg()[0]!.toFixed(1)}`);
    }
  });
  const rss = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
  const row = (label: string, pick: (r: typeof rounds[number]) => Timed<unknown>, bytes: (r: typeof rounds[number]) => number) => {
    const wall = median(rounds.map((r) => pick(r).seconds));
    const cpu = median(rounds.map((r) => pick(r).cpu));
    const wallRatio = median(rounds.map((r) => pick(r).seconds / r.baseline.seconds));
    const cpuRatio = median(rounds.map((r) => pick(r).cpu / r.baseline.cpu));
    console.log(`| ${label} | ${wall.toFixed(2)} | ${Math.round(ROWS / wall).toLocaleString()} | ${cpu.toFixed(1)} | ${wallRatio.toFixed(2)}x | ${cpuRatio.toFixed(2)}x | ${(median(rounds.map(bytes)) / 1e6).toFixed(1)} MB | ${rss(median(rounds.map((r) => pick(r).peakRss)))} |`);
  };
  const files = rounds[0]!.first.result.totals.files;
  console.log(`\n${RUNS} round(s), medians; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
  console.log('| run | wall s | rows/s | CPU s | wall vs baseline | CPU vs baseline | output | peak RSS |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  row('baseline: DuckDB `COPY (SELECT * ... ORDER BY "timestamp") TO ... (FORMAT json, COMPRESSION gzip)`', (r) => r.baseline, (r) => r.baseline.result);
  row(`**exportTable**, first run (${HOURS} windows, ${files} files, uploaded to MinIO)`, (r) => r.first, (r) => r.first.result.totals.bytes);
  row('exportTable again (the same keys overwritten, no extra object)', (r) => r.again, (r) => r.again.result.totals.bytes);
  type Round = typeof rounds[number];
  const measured = (pick: (r: Round) => Timed<unknown>) => ({
    seconds: median(rounds.map((r) => pick(r).seconds)), cpuSeconds: median(rounds.map((r) => pick(r).cpu)),
    peakRssBytes: median(rounds.map((r) => pick(r).peakRss)), rowsPerSecond: ROWS / median(rounds.map((r) => pick(r).seconds)), runs: rounds.length,
  });
  // Per-round ratios too (each against the baseline of its own round): steadier than a ratio of medians on a busy machine.
  const perRound = (pick: (r: Round) => Timed<unknown>, cost: 'seconds' | 'cpu') => median(rounds.map((r) => pick(r)[cost] / r.baseline[cost]));
  writeBenchResults('export', {
    parameters: { rows: ROWS, hours: HOURS, maxFileMb: Number(flags['max-file-mb']), runs: RUNS },
    rows: { baseline: measured((r) => r.baseline), first: measured((r) => r.first), again: measured((r) => r.again) },
    baseline: 'baseline',
    ratios: {
      'first.wall_vs_baseline_per_round': perRound((r) => r.first, 'seconds'), 'first.cpu_vs_baseline_per_round': perRound((r) => r.first, 'cpu'),
      'again.wall_vs_baseline_per_round': perRound((r) => r.again, 'seconds'), 'again.cpu_vs_baseline_per_round': perRound((r) => r.again, 'cpu'),
    },
  });
  await nativeConnection.close();
  await temporal.connection.close();
  s3.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
