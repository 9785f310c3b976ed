import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Settings } from '../config/settings';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The embedded setup has one writer: DuckDB locks the warehouse file while it is open, and a
 * second worker would only queue behind that lock (or split the catalog on another machine).
 * A second worker process on the same data dir is refused at start-up instead; a lock left by a
 * dead process is taken over. Returns the release function.
 */
export function acquireEmbeddedWorkerLock(settings: Settings): () => void {
  mkdirSync(settings.dataDir, { recursive: true });
  const file = path.join(settings.dataDir, 'worker.pid');
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8').trim());
      // The same process may run several workers (tests); a dead holder left a stale lock.
      if (holder === process.pid) return () => undefined;
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new Error(`another s3bridge worker (pid ${holder}) already runs on ${settings.dataDir}: the embedded setup `
          + `(one DuckDB file, locked by its writer) allows one worker. To run several, set S3BRIDGE_STORE=shared `
          + `with S3BRIDGE_POSTGRES_URL and S3BRIDGE_LAKE_DATA_PATH (docs/scaling-out.md).`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the worker lock ${file}; remove it if no worker runs`);
}
