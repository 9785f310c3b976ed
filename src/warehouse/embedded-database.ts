import type { DuckDBConnection } from '@duckdb/node-api';
import type { Settings } from '../config/settings';
import { createDuckDB, lockDown, type OpenDuckDB } from '../duckdb/create-duckdb';

/**
 * The embedded warehouse file (catalog, ledger and imported tables live in it).
 * DuckDB lets one process at a time open a file for writing, so this process opens it
 * only while some activity uses it and closes it after: the CLI and a worker interleave.
 */
interface OpenFile {
  instance: Promise<OpenDuckDB>;
  users: number;
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

const LOCK_ERROR = /Could not set lock on file|Conflicting lock is held/i;

/**
 * The warehouse reads and writes only local files under the data dir (staged Parquet files,
 * export spools). Its configuration stays open: stages set session options on it (TimeZone).
 */
async function openLocked(settings: Settings, file: string): Promise<OpenDuckDB> {
  const opened = await createDuckDB(settings, file);
  try {
    const db = await opened.instance.connect();
    try {
      await lockDown(db, [`${settings.dataDir}/`], { lockConfiguration: false });
    } finally {
      db.closeSync();
    }
    return opened;
  } catch (error) {
    opened.close();
    throw error;
  }
}

async function openWithRetry(settings: Settings, file: string): Promise<OpenDuckDB> {
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
    const { instance } = await entry.instance;
    const db = await instance.connect();
    try {
      return await fn(db);
    } finally {
      db.closeSync();
    }
  } finally {
    entry.users -= 1;
    if (entry.users === 0 && openFiles.get(file) === entry) {
      const idle = entry;
      if (idleCloseMs > 0 && Date.now() - idle.openedAt < MAX_HOLD_MS) {
        idle.idle = setTimeout(() => { if (idle.users === 0) void closeEntry(file, idle); }, idleCloseMs);
        idle.idle.unref();
      } else {
        await closeEntry(file, idle);
      }
    }
  }
}
