import type { DuckDBConnection } from '@duckdb/node-api';
import type { Settings } from '../config/settings';
import { createDuckDB, loadHttpfs, lockDown, type OpenDuckDB } from '../duckdb/create-duckdb';
import { queryRows } from '../duckdb/query-rows';
import { withConnection } from '../duckdb/with-connection';

/**
 * The embedded warehouse file (catalog, ledger and imported tables live in it).
 * DuckDB lets one process at a time open a file for writing, so this process opens it
 * only while some activity uses it and closes it after: the CLI and a worker interleave.
 */
interface OpenFile {
  instance: Promise<OpenWarehouse>;
  users: number;
  /** Closed as soon as nobody uses it (no grace): the next open reads a bucket this one cannot. */
  stale?: boolean;
  idle?: NodeJS.Timeout;
  openedAt: number;
}

/** Past this, the file is closed at its next idle moment, grace or not: a waiting CLI gets its turn. */
const MAX_HOLD_MS = 5_000;
const openFiles = new Map<string, OpenFile>();

/**
 * How long a worker keeps the file open after its last user: day commits come one after another,
 * and opening, then closing (a checkpoint) for each cost more than a small day's rows. A CLI
 * process waiting for the file retries for up to a minute; a file held open for MAX_HOLD_MS is
 * closed at its next idle moment without the grace, so a steady import cannot keep the CLI out.
 */
let idleCloseMs = 0;
export function keepWarehouseOpenWhenIdle(ms: number): void {
  idleCloseMs = ms;
}

function closeEntry(file: string, entry: OpenFile): Promise<void> {
  if (openFiles.get(file) === entry) openFiles.delete(file);
  if (entry.idle) clearTimeout(entry.idle);
  return entry.instance.then((opened) => opened.close()).catch(() => undefined);
}

/** Closes every warehouse file nobody uses now (worker shutdown, tests removing their data dir). */
export async function closeIdleWarehouses(): Promise<void> {
  await Promise.all([...openFiles].filter(([, entry]) => entry.users === 0).map(([file, entry]) => closeEntry(file, entry)));
}

/**
 * Whether this process's warehouse may read its source connections' buckets, so a day loads in
 * one pass (the rows read from S3 inside the commit, no local staging): the worker turns it on.
 * A CLI process keeps its warehouse to local files.
 */
let sourceReads = false;
export function readSourcesInWarehouse(on: boolean): void {
  sourceReads = on;
}

/** The buckets of the source connections whose last validation made them Active (imports need that); none before the catalog exists. */
async function sourceBuckets(db: DuckDBConnection): Promise<string[]> {
  const [catalog] = await queryRows<{ n: bigint }>(db,
    "SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 's3bridge' AND table_name = 'connection_status'");
  if (!catalog || Number(catalog.n) === 0) return [];
  const rows = await queryRows<{ bucket: string | null }>(db,
    `SELECT DISTINCT json_extract_string(config, '$.bucket') AS bucket FROM s3bridge.connection_status
     WHERE status = 'active' AND json_extract_string(config, '$.direction') = 'source' ORDER BY bucket`);
  return rows.map((r) => r.bucket).filter((b): b is string => typeof b === 'string' && b.length > 0);
}

const LOCK_ERROR = /Could not set lock on file|Conflicting lock is held/i;

/** An open warehouse and the buckets it may read (fixed when it opened). */
type OpenWarehouse = OpenDuckDB & { readableBuckets: string[] };

/**
 * The warehouse reads and writes only local files under the data dir (staged Parquet files,
 * export spools) and, in a worker, the buckets of the source connections that were Active when
 * it opened (a bucket added later is readable from the next open; until then its days stage).
 * Its configuration stays open: commits set session options on it (TimeZone).
 */
async function openLocked(settings: Settings, file: string): Promise<OpenWarehouse> {
  const opened = await createDuckDB(settings, file);
  try {
    const buckets = await withConnection(opened.instance, async (db) => {
      const readable = sourceReads ? await sourceBuckets(db) : [];
      if (readable.length > 0) {
        await loadHttpfs(db, settings, opened.egress);
        // Keys taken literally, as in the S3 DuckDB (see s3ObjectUrl); a commit's describe and insert share footers.
        await db.run('SET GLOBAL s3_url_compatibility_mode = true');
        await db.run('SET GLOBAL parquet_metadata_cache = true');
      }
      await lockDown(db, [`${settings.dataDir}/`, ...readable.map((b) => `s3://${b}/`)], { lockConfiguration: false });
      return readable;
    });
    return { ...opened, readableBuckets: buckets };
  } catch (error) {
    opened.close();
    throw error;
  }
}

async function openWithRetry(settings: Settings, file: string): Promise<OpenWarehouse> {
  const deadline = Date.now() + 60_000;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    try {
      return await openLocked(settings, file);
    } catch (error) {
      if (!LOCK_ERROR.test(String(error)) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Marks the open file to be closed as soon as nobody uses it (no idle grace). */
function markStale(file: string, entry: OpenFile): Promise<void> {
  entry.stale = true;
  return entry.users === 0 ? closeEntry(file, entry) : Promise.resolve();
}

/** Closes the open warehouse at its next idle moment: what it holds (a secret it could not drop) must not outlive it. */
export function closeWarehouseWhenIdle(settings: Settings): void {
  const file = settings.warehousePath;
  const entry = openFiles.get(file);
  if (entry) void markStale(file, entry);
}

/**
 * A worker about to load from `bucket`: when the open warehouse cannot read it but a reopen
 * would (its connection became Active since the file was opened), the file is closed at its
 * next idle moment, so the load's commit opens it again with the bucket readable.
 */
export async function readBucketFromNextOpen(settings: Settings, bucket: string): Promise<void> {
  if (!sourceReads) return;
  const file = settings.warehousePath;
  const entry = openFiles.get(file);
  const opened = await entry?.instance.catch(() => undefined);
  if (!entry || !opened || entry.stale || opened.readableBuckets.includes(bucket)) return;
  // Only when a reopen would change something: a connection that is not Active (re-validating,
  // failed mid-import) would otherwise close the file before every day.
  const now = await withWarehouse(settings, sourceBuckets);
  if (now.includes(bucket) && openFiles.get(file) === entry) await markStale(file, entry);
}

/** Runs `fn` on a fresh connection to the warehouse file, sharing the instance within this process. */
export async function withWarehouse<T>(settings: Settings, fn: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  const file = settings.warehousePath;
  let entry = openFiles.get(file);
  if (!entry) {
    const created: OpenFile = { instance: openWithRetry(settings, file), users: 0, openedAt: Date.now() };
    // A failed open is forgotten at once: the next caller tries again instead of getting this failure.
    created.instance.catch(() => { if (openFiles.get(file) === created) openFiles.delete(file); });
    entry = created;
    openFiles.set(file, entry);
  }
  if (entry.idle) {
    clearTimeout(entry.idle);
    entry.idle = undefined;
  }
  entry.users += 1;
  try {
    return await withConnection((await entry.instance).instance, fn);
  } finally {
    entry.users -= 1;
    if (entry.users === 0 && openFiles.get(file) === entry) {
      const idle = entry;
      if (idleCloseMs > 0 && !idle.stale && Date.now() - idle.openedAt < MAX_HOLD_MS) {
        idle.idle = setTimeout(() => { if (idle.users === 0) void closeEntry(file, idle); }, idleCloseMs);
        idle.idle.unref();
      } else {
        await closeEntry(file, idle);
      }
    }
  }
}
