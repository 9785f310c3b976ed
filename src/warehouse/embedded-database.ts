import type { DuckDBConnection } from '@duckdb/node-api';
import type { Settings } from '../config/settings';
import { createDuckDB, loadHttpfs, lockDown, type OpenDuckDB } from '../duckdb/create-duckdb';
import { queryRows } from '../duckdb/query-rows';
import { withConnection } from '../duckdb/with-connection';

/** An open warehouse and the buckets it may read (fixed when it opened). */
type OpenWarehouse = OpenDuckDB & { readableBuckets: string[] };

/** The file while this object has it open. */
interface OpenFile {
  instance: Promise<OpenWarehouse>;
  users: number;
  /** Closed as soon as nobody uses it (no grace): the next open reads a bucket this one cannot. */
  stale?: boolean;
  idle?: NodeJS.Timeout;
  openedAt: number;
}

export interface EmbeddedWarehouseOptions {
  /**
   * How long the file stays open after its last user (a worker: day commits come one after
   * another, and opening, then closing with a checkpoint, for each costs more than a small
   * day's rows). 0 (the default, a CLI process) closes it at once. A file held open for
   * MAX_HOLD_MS is closed at its next idle moment without the grace, so a steady import cannot
   * keep a waiting CLI (which retries for up to a minute) out.
   */
  idleCloseMs?: number;
  /**
   * Whether the warehouse may read its Active source connections' buckets, so a day loads in
   * one pass (a worker with direct loads on). A CLI process keeps its warehouse to local files.
   */
  readSources?: boolean;
}

/** Past this, the file is closed at its next idle moment, grace or not: a waiting CLI gets its turn. */
const MAX_HOLD_MS = 5_000;
const LOCK_ERROR = /Could not set lock on file|Conflicting lock is held/i;

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

/**
 * The embedded warehouse file (catalog, ledger and imported tables live in it), as an object the
 * worker (src/worker/build-deps.ts) or a CLI command builds once and hands to whoever needs it:
 * no module state, so two side by side (two files) never share anything. DuckDB lets one process
 * at a time open a file for writing, so the object opens it only while someone uses it and closes
 * it after: the CLI and a worker interleave. Within one process, every user of a file must share
 * one object (two DuckDB instances on one file in one process would not see each other's locks).
 */
export class EmbeddedWarehouse {
  private open: OpenFile | undefined;

  constructor(private readonly settings: Settings, private readonly options: EmbeddedWarehouseOptions = {}) {}

  /**
   * The warehouse reads and writes only local files under the data dir (staged Parquet files,
   * export spools) and, with readSources, the buckets of the source connections that were Active
   * when it opened (a bucket added later is readable from the next open; until then its days
   * stage). Its configuration stays open: commits set session options on it (TimeZone).
   */
  private async openLocked(): Promise<OpenWarehouse> {
    const { settings } = this;
    const opened = await createDuckDB(settings, settings.warehousePath);
    try {
      const buckets = await withConnection(opened.instance, async (db) => {
        const readable = this.options.readSources ? await sourceBuckets(db) : [];
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

  private async openWithRetry(): Promise<OpenWarehouse> {
    const deadline = Date.now() + 60_000;
    for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
      try {
        return await this.openLocked();
      } catch (error) {
        if (!LOCK_ERROR.test(String(error)) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private closeEntry(entry: OpenFile): Promise<void> {
    if (this.open === entry) this.open = undefined;
    if (entry.idle) clearTimeout(entry.idle);
    return entry.instance.then((opened) => opened.close()).catch(() => undefined);
  }

  /** Marks the open file to be closed as soon as nobody uses it (no idle grace). */
  private markStale(entry: OpenFile): Promise<void> {
    entry.stale = true;
    return entry.users === 0 ? this.closeEntry(entry) : Promise.resolve();
  }

  /** Runs `fn` on a fresh connection to the warehouse file, opening it if nobody has it open. */
  async use<T>(fn: (db: DuckDBConnection) => Promise<T>): Promise<T> {
    let entry = this.open;
    if (!entry) {
      const created: OpenFile = { instance: this.openWithRetry(), users: 0, openedAt: Date.now() };
      // A failed open is forgotten at once: the next caller tries again instead of getting this failure.
      created.instance.catch(() => { if (this.open === created) this.open = undefined; });
      entry = created;
      this.open = entry;
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
      if (entry.users === 0 && this.open === entry) {
        const idle = entry;
        const grace = this.options.idleCloseMs ?? 0;
        if (grace > 0 && !idle.stale && Date.now() - idle.openedAt < MAX_HOLD_MS) {
          idle.idle = setTimeout(() => { if (idle.users === 0) void this.closeEntry(idle); }, grace);
          idle.idle.unref();
        } else {
          await this.closeEntry(idle);
        }
      }
    }
  }

  /** Closes the file if nobody uses it now (worker shutdown, tests removing their data dir). */
  async closeIdle(): Promise<void> {
    if (this.open && this.open.users === 0) await this.closeEntry(this.open);
  }

  /** Closes the open file at its next idle moment: what it holds (a secret it could not drop) must not outlive it. */
  closeWhenIdle(): void {
    if (this.open) void this.markStale(this.open);
  }

  /**
   * Whether a commit can read `bucket` (the sink's capability, asked before a load plans its
   * scan). When the open file cannot but a reopen would (the bucket's connection became Active
   * since it was opened), the file is closed at its next idle moment, so the load's commit
   * opens it again with the bucket readable.
   */
  async sourceReadable(bucket: string): Promise<boolean> {
    if (!this.options.readSources) return false;
    const entry = this.open;
    const opened = await entry?.instance.catch(() => undefined);
    if (entry && opened && !entry.stale && opened.readableBuckets.includes(bucket)) return true;
    // Only when a reopen would change something: a connection that is not Active (re-validating,
    // failed mid-import) would otherwise close the file before every day.
    const now = await this.use(sourceBuckets);
    if (!now.includes(bucket)) return false;
    if (entry && opened && !entry.stale && this.open === entry) await this.markStale(entry);
    return true;
  }
}

/**
 * One use of the warehouse file by a process that holds no EmbeddedWarehouse of its own for it
 * (a script, a one-off CLI step): opened, used, closed.
 */
export function withWarehouse<T>(settings: Settings, fn: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  return new EmbeddedWarehouse(settings).use(fn);
}
