/**
 * Export benchmark: canonical.events rows in a fresh warehouse, exported through the real
 * exportTable workflow (in-process worker, real Temporal server) to the local MinIO, against
 * DuckDB writing the same lines (same query, same order) to a local gzipped file with COPY: the
 * query, formatting and gzip without Temporal, the Node stream or the upload (the floor).
 *
 *   npx tsx bench/export.ts                  # 1,000,000 events over 4 hourly windows
 *   npx tsx bench/export.ts --rows 3000000 --hours 6 --max-file-mb 100
 *
 * Rows: baseline; exportTable (first run); the same range again (every key overwritten, no extra
 * object). Peak RSS is the whole process (worker, DuckDB, Temporal client), sampled every 100 ms.
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
import { exportRows } from '../src/export/export-rows';
import { quoteIdentifier, quoteLiteral } from '../src/duckdb/sql';
import type { DestinationConnection } from '../src/workflow-safe/connection';
import { writeBenchResults } from './support/results-file';

const { values: flags } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, hours: { type: 'string', default: '4' }, 'max-file-mb': { type: 'string', default: '100' } } });
const ROWS = Number(flags.rows);
const HOURS = Number(flags.hours);
const START = '2025-09-01T00:00:00Z';
const BUCKET = 's3bridge-bench-export';

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number; cpu: number; peakRss: number }> {
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

async function main(): Promise<void> {
  const services = localServiceEnv();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-bench-export-'));
  const settings: Settings = { ...loadSettings({ ...process.env, S3BRIDGE_DATA_DIR: dataDir }), taskQueue: `bench-export-${process.pid}` };
  const s3 = new S3Client({ region: 'us-east-1', endpoint: services.s3Endpoint, forcePathStyle: true, credentials: { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! } });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => undefined);
  const { format: _f, partitioning: _p, ...base } = localSourceConnection({ name: 'bench-out', bucket: BUCKET, prefix: `run-${process.pid}` });
  const destination: DestinationConnection = { ...base, direction: 'destination', encryption: { type: 'AES256' } };
  const seed = await timed(() => withWarehouse(settings, async (db) => {
    await ensureBookkeepingTables(db);
    await db.run('CREATE SCHEMA canonical');
    await db.run(`CREATE TABLE canonical.events (${[...CANONICAL_COLUMNS.events, ...LINEAGE_COLUMNS].map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ')})`);
    await db.run(`INSERT INTO canonical.events SELECT ['page_view', 'click', 'signup', 'purchase'][1 + r % 4], 'user-' || (hash(r) % 200000),
      json_object('anonymousID', 'anon-' || (hash(r * 3) % 500000)), $start::TIMESTAMPTZ + to_microseconds((r * ${HOURS} * 3600000000) // ${ROWS}),
      (r % 100)::VARCHAR, json_object('page', '/page/' || (r % 1000), 'amount', (r % 10000) * 0.25, 'referrer', 'https://example.com/' || (hash(r) % 5000)),
      'bench', 'events', $start::TIMESTAMPTZ::DATE, 'events/part-' || (r // 100000) || '.parquet', 'load-1'
      FROM range(${ROWS}) t(r)`, { start: START });
    await saveConnection(db, destination);
  }));
  console.log(`seeded ${ROWS.toLocaleString()} events over ${HOURS} hours in ${seed.seconds.toFixed(1)} s`);

  const local = path.join(dataDir, 'baseline.json.gz');
  const baseline = await timed(() => withWarehouse(settings, async (db) => {
    await db.run("SET SESSION TimeZone = 'UTC'");
    const rows = await exportRows(db, 'canonical.events');
    const to = Date.parse(START) + HOURS * 3_600_000;
    // The same lines, sorted as the export sorts them, written to a local gzipped text file by DuckDB.
    const sql = rows.sql.replaceAll('$from', String(Date.parse(START))).replaceAll('$to', String(to));
    await db.run(`COPY (SELECT line FROM (${sql}) ORDER BY ts_ms, message_id) TO ${quoteLiteral(local)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x01', COMPRESSION gzip)`);
  }));

  const temporal = new Client({ connection: await Connection.connect({ address: services.temporalAddress }), namespace: settings.temporalNamespace });
  const client = new S3BridgeClient(temporal, settings, `bench-${process.pid}-`);
  const nativeConnection = await NativeConnection.connect({ address: services.temporalAddress });
  const { worker } = await createWorker({ settings, connection: nativeConnection });
  await worker.runUntil(async () => {
    const validation = await client.validateConnection({ connection: destination.name });
    if (validation.status !== 'active') throw new Error(`destination not Active: ${validation.reason ?? ''}`);
    const input = { destination: destination.name, windows: { from: START, to: new Date(Date.parse(START) + HOURS * 3_600_000).toISOString() }, maxFileBytes: Number(flags['max-file-mb']) * 1024 * 1024 };
    const first = await timed(() => client.exportTable(input));
    const again = await timed(() => client.exportTable(input));
    const rss = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
    console.log('\n| run | s | rows/s | CPU s | output | peak RSS |');
    console.log('|---|---:|---:|---:|---:|---:|');
    console.log(`| baseline: DuckDB COPY of the same lines to a local gzipped file | ${baseline.seconds.toFixed(2)} | ${Math.round(ROWS / baseline.seconds).toLocaleString()} | ${baseline.cpu.toFixed(1)} | ${(statSync(local).size / 1e6).toFixed(1)} MB | ${rss(baseline.peakRss)} |`);
    for (const [label, run] of [['**exportTable**, first run', first], ['exportTable again (same keys overwritten)', again]] as const) {
      console.log(`| ${label} (${run.result.totals.windows} windows, ${run.result.totals.files} files) | ${run.seconds.toFixed(2)} | ${Math.round(run.result.totals.rows / run.seconds).toLocaleString()} | ${run.cpu.toFixed(1)} | ${(run.result.totals.bytes / 1e6).toFixed(1)} MB | ${rss(run.peakRss)} |`);
    }
    writeBenchResults('export', {
      parameters: { rows: ROWS, hours: HOURS, maxFileMb: Number(flags['max-file-mb']) },
      rows: Object.fromEntries(([['baseline', baseline, ROWS], ['first', first, first.result.totals.rows], ['again', again, again.result.totals.rows]] as const)
        .map(([name, run, rows]) => [name, { seconds: run.seconds, cpuSeconds: run.cpu, peakRssBytes: run.peakRss, rowsPerSecond: rows / run.seconds, runs: 1 }])),
      baseline: 'baseline',
    });
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
