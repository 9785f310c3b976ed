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
}
const openFiles = new Map<string, OpenFile>();

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
    entry = { instance: openWithRetry(settings, file), users: 0 };
    openFiles.set(file, entry);
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
      openFiles.delete(file);
      await entry.instance.then((opened) => opened.close()).catch(() => undefined);
    }
  }
}

/** Runs `fn` inside one transaction: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(db: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  await db.run('BEGIN TRANSACTION');
  try {
    const result = await fn();
    await db.run('COMMIT');
    return result;
  } catch (error) {
    await db.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
