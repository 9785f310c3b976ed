import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadSettings } from '../config/settings';
import { localServiceEnv, localSourceConnection } from '../config/local-services';
import { createTemporalClient } from '../client/create-client';
import { registerSearchAttributes } from '../client/search-attribute-registration';
import { S3BridgeClient } from '../client/s3bridge-client';
import { saveConnection } from '../catalog/connection-store';
import { queryRows } from '../duckdb/query-rows';
import { buildDeps } from '../worker/build-deps';
import { createWorker } from '../worker/create-worker';
import { setDestinationStates } from '../catalog/destination-store';
import type { DestinationConnection } from '../workflow-safe/connection';
import { HOUR_MS, windowStartOf } from '../workflow-safe/export/export-layout';
import { RECEIVED_LOADS_SQL } from '../export/row-lineage';
import { DEMO_BUCKET, DEMO_PREFIX, demoRowsForDay, seedSampleData } from './sample-data';
import { consoleSettings } from '../console/console-settings';
import { startConsole, type RunningConsole } from '../console/start-console';
import type { Settings } from '../config/settings';
import type { CatalogSession } from '../client/with-catalog';

/** The console on its usual port (S3BRIDGE_CONSOLE_PORT, 8234), or on any free one when that is taken. */
async function demoConsole(client: S3BridgeClient, settings: Settings, catalog: CatalogSession): Promise<RunningConsole> {
  const options = consoleSettings(process.env);
  return startConsole({ client, settings, console: options, catalog }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startConsole({ client, settings, console: { ...options, port: 0 }, catalog });
  });
}

/** A destination on the demo bucket with MinIO's keys (by reference), SSE-S3 like Segment's default. */
function demoDestination(name: string, prefix: string): DestinationConnection {
  const { format: _format, partitioning: _partitioning, ...base } = localSourceConnection({ name, bucket: DEMO_BUCKET, prefix });
  return { ...base, direction: 'destination', encryption: { type: 'AES256' } };
}

/** Reads exported objects back as a consumer would: how many messages have a receivedAt outside their received-day folder. */
async function messagesOutsideTheirDay(s3: S3Client, keys: string[]): Promise<{ checked: number; outside: number }> {
  let checked = 0;
  let outside = 0;
  for (const key of keys) {
    const folderDay = Number(key.split('/').at(-2));
    const object = await s3.send(new GetObjectCommand({ Bucket: DEMO_BUCKET, Key: key }));
    for (const line of gunzipSync(await object.Body!.transformToByteArray()).toString('utf8').split('\n').filter(Boolean)) {
      checked += 1;
      const receivedAt = Date.parse((JSON.parse(line) as { receivedAt: string }).receivedAt);
      if (Math.floor(receivedAt / 86_400_000) * 86_400_000 !== folderDay) outside += 1;
    }
  }
  return { checked, outside };
}

/**
 * `npm run demo`: the main job on embedded defaults. Seeds MinIO with a sample schema, stores
 * a connection, then validates it, discovers its tables and imports `page_views` day by day
 * into the DuckDB warehouse as canonical events, exports them back out in Segment's
 * S3 layout, and migrates that export to a new destination, each step a Temporal workflow.
 */
async function main(): Promise<void> {
  // Unless --no-console: the console stays up (with the worker) until Ctrl-C.
  const serveConsole = !process.argv.includes('--no-console');
  const services = localServiceEnv();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const settings = loadSettings();
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: services.s3Endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! },
  });
  console.log(`1. seeding sample data into s3://${DEMO_BUCKET}/${DEMO_PREFIX}/ on ${services.s3Endpoint}`);
  await seedSampleData(s3);

  // The connection holds references to the MinIO keys (env:...), never their values.
  const connection = localSourceConnection({ name: 'demo', bucket: DEMO_BUCKET, prefix: DEMO_PREFIX, format: 'parquet' });
  // One set of dependencies for the in-process worker and the demo's own reads: one object per warehouse file.
  const deps = buildDeps(settings, { worker: true });
  await deps.withStore((db) => saveConnection(db, connection));
  console.log(`2. stored connection "demo" in the catalog (${settings.warehousePath})`);

  const client = new S3BridgeClient(await createTemporalClient(settings), settings, 'demo-');
  // A dev server started before s3bridge registered its search attributes lacks them (idempotent).
  await registerSearchAttributes(client.temporal, settings.temporalNamespace);
  const { worker, nativeConnection } = await createWorker({ settings, deps });
  await worker.runUntil(async () => {
    const validation = await client.validateConnection({ connection: 'demo' });
    console.log(`3. validateConnection: ${validation.status}`);
    for (const check of validation.checks) console.log(`   ${check.status.padEnd(7)} ${check.check}: ${check.detail ?? check.tried}`);
    if (validation.status !== 'active') throw new Error(`connection failed validation: ${validation.reason ?? ''}`);

    const discovery = await client.discoverSchema({ connection: 'demo' });
    console.log(`4. discoverSchema: ${discovery.tablesDiscovered} table(s) from ${discovery.objectsListed} objects`);

    const report = await client.importTable({
      connection: 'demo',
      table: 'page_views',
      days: 'new-and-changed',
      mapping: {
        mode: 'events',
        events: { eventName: { column: 'event' }, userId: 'user_id', timestamp: { column: 'ts' } },
      },
    });
    console.log(`5. importTable page_views -> ${report.target} (re-running the demo skips unchanged days)`);
    console.log('   day         status   rows  files  reason');
    for (const day of report.days) {
      console.log(`   ${String(day.day).padEnd(11)} ${day.status.padEnd(8)} ${String(day.rows).padStart(5)}  ${String(day.files).padStart(5)}  ${day.reason}`);
    }

    // Export: the first demo day's events back out, as Segment's S3 destination writes them.
    await deps.withStore(async (db) => {
      await saveConnection(db, demoDestination('demo-export', 'exports/v1'));
      await saveConnection(db, demoDestination('demo-export-v2', 'exports/v2'));
      // A re-run starts from the same state: v1 enabled, v2 waiting for its migration.
      await setDestinationStates(db, [{ name: 'demo-export', enabled: true, reason: 'demo' }, { name: 'demo-export-v2', enabled: false, reason: 'demo' }]);
    });
    const destination = await client.validateConnection({ connection: 'demo-export' });
    if (destination.status !== 'active') throw new Error(`destination failed validation: ${destination.reason ?? ''}`);
    // Segment's folders are the days events were received: here, the hours the imports committed them (a re-run's unchanged days keep theirs).
    const received = await deps.withStore((db) => queryRows<{ received_ms: bigint }>(db, RECEIVED_LOADS_SQL, { target: 'canonical.events', from: 0, to: Date.now() + HOUR_MS }));
    const receivedHours = received.map((load) => windowStartOf(Number(load.received_ms)));
    const windows = { from: new Date(Math.min(...receivedHours)).toISOString(), to: new Date(Math.max(...receivedHours) + HOUR_MS).toISOString() };
    const exported = await client.exportTable({ destination: 'demo-export', sourceId: 'demo', windows });
    console.log(`6. exportTable canonical.events received ${windows.from.slice(0, 13)} to ${windows.to.slice(0, 13)} -> ${exported.location}: `
      + `${exported.totals.rows} events in ${exported.totals.files} gzipped NDJSON file(s), under the day they were received`);
    for (const key of exported.windows.flatMap((w) => w.keys).slice(0, 3)) console.log(`   s3://${DEMO_BUCKET}/${key}`);
    const outside = await messagesOutsideTheirDay(s3, exported.windows.flatMap((w) => w.keys));
    console.log(`   read back: ${outside.checked} messages, ${outside.outside} with a receivedAt outside their folder's day`);
    if (outside.outside > 0) throw new Error('exported messages sit in the wrong received-day folder');

    const migration = await client.migrateDestination({
      from: 'demo-export', to: 'demo-export-v2', export: { sourceId: 'demo' }, windows, overlap: '3 seconds',
    });
    console.log(`7. migrateDestination demo-export -> demo-export-v2: ${migration.status}${migration.reason ? ` (${migration.reason})` : ''}`);
    for (const finding of migration.findings) console.log(`   ${finding}`);
    if (migration.status !== 'completed') throw new Error('the migration rolled back');

    const counts = await deps.withStore((db) =>
      queryRows<{ day: string; n: bigint }>(
        db,
        `SELECT strftime(_day, '%Y-%m-%d') AS day, count(*) AS n FROM lineage.events
         WHERE _connection = 'demo' AND _table = 'page_views' GROUP BY ALL ORDER BY day`,
      ),
    );
    console.log('8. warehouse canonical.events, rows per day (expected in brackets):');
    let exact = true;
    for (const { day, n } of counts) {
      const expected = demoRowsForDay(day);
      exact &&= Number(n) === expected;
      console.log(`   ${day}  ${n} [${expected}]`);
    }
    console.log(exact ? '   every day holds exactly its source rows' : '   MISMATCH between the warehouse and the source');
    console.log(`\nTemporal UI: ${services.temporalUi}/namespaces/${settings.temporalNamespace}/workflows`);
    if (!exact) process.exitCode = 1;
    if (serveConsole) {
      // The console reads the warehouse through this worker, so the worker keeps running beside it.
      const running = await demoConsole(client, settings, (fn) => deps.catalog.session(fn));
      console.log(`Console:     ${running.url}  (connections, tables and their days, runs, the migration; Ctrl-C stops it and the worker)`);
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      });
      await running.close();
    }
  });
  await nativeConnection.close();
  await deps.close();
  s3.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
