import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../duckdb/query-rows';
import { inTransaction } from '../duckdb/in-transaction';
import { catalogTables } from './catalog-tables';

/** One exported file: key, rows, bytes and the SHA-256 of the object's bytes. */
export interface ExportedFile {
  key: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** The ledger's record of one exported window. */
export interface ExportLedgerEntry {
  /** `destination|location|format|source-id|table`: one export stream. */
  exportKey: string;
  windowStart: number;
  files: ExportedFile[];
  rows: number;
  bytes: number;
  /** SHA-256 over the files' checksums, in batch order. */
  checksum: string;
  /** The rows' fingerprint when exported (count and sum of row hashes): a change means late rows. */
  fingerprint: string;
  runId: string;
  /** A received-time window's loads (their IDs) when exported: a load committed into the window since is a late commit. */
  loads?: string[];
}

const ensureLedgerTable = catalogTables(
  // One row per load of a received-time window (export_ledger's loads, readable with a plain SELECT).
  `CREATE TABLE IF NOT EXISTS s3bridge.export_window_loads (
    export_key VARCHAR NOT NULL,
    window_start BIGINT NOT NULL,
    load_id VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS s3bridge.export_ledger (
    export_key VARCHAR NOT NULL,
    window_start BIGINT NOT NULL,
    files JSON NOT NULL,
    row_count BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    checksum VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    exported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (export_key, window_start)
  )`,
);

/** Records a window's export (and its loads), replacing the record of an earlier run of the same window. */
export async function saveExportLedgerEntry(db: DuckDBConnection, entry: ExportLedgerEntry): Promise<void> {
  await ensureLedgerTable(db);
  const window = { exportKey: entry.exportKey, windowStart: entry.windowStart };
  await inTransaction(db, async () => {
    await db.run(`INSERT OR REPLACE INTO s3bridge.export_ledger VALUES ($exportKey, $windowStart, $files::JSON, $rows, $bytes, $checksum, $fingerprint, $runId, now())`, {
      ...window, files: JSON.stringify(entry.files), rows: entry.rows,
      bytes: entry.bytes, checksum: entry.checksum, fingerprint: entry.fingerprint, runId: entry.runId,
    });
    await db.run('DELETE FROM s3bridge.export_window_loads WHERE export_key = $exportKey AND window_start = $windowStart', window);
    for (const loadId of entry.loads ?? []) {
      await db.run('INSERT INTO s3bridge.export_window_loads VALUES ($exportKey, $windowStart, $loadId)', { ...window, loadId });
    }
  });
}

/** The ledger's windows of one export stream from `fromMs` on (fingerprints, to find late rows). */
export async function exportLedger(db: DuckDBConnection, exportKey: string, fromMs = 0): Promise<ExportLedgerEntry[]> {
  await ensureLedgerTable(db);
  const rows = await queryRows<{ window_start: bigint; files: string; row_count: bigint; bytes: bigint; checksum: string; fingerprint: string; run_id: string }>(db,
    `SELECT window_start, files::VARCHAR AS files, row_count, bytes, checksum, fingerprint, run_id FROM s3bridge.export_ledger
     WHERE export_key = $exportKey AND window_start >= $fromMs ORDER BY window_start`, { exportKey, fromMs });
  const loads = new Map<number, string[]>();
  for (const r of await queryRows<{ window_start: bigint; load_id: string }>(db,
    'SELECT window_start, load_id FROM s3bridge.export_window_loads WHERE export_key = $exportKey AND window_start >= $fromMs ORDER BY window_start, load_id', { exportKey, fromMs })) {
    loads.set(Number(r.window_start), [...(loads.get(Number(r.window_start)) ?? []), r.load_id]);
  }
  return rows.map((r) => ({
    exportKey, windowStart: Number(r.window_start), files: JSON.parse(r.files) as ExportedFile[], rows: Number(r.row_count),
    bytes: Number(r.bytes), checksum: r.checksum, fingerprint: r.fingerprint, runId: r.run_id, loads: loads.get(Number(r.window_start)) ?? [],
  }));
}

/** The newest exported window of an export stream, if any. */
export async function lastExportedWindow(db: DuckDBConnection, exportKey: string): Promise<number | undefined> {
  await ensureLedgerTable(db);
  const [row] = await queryRows<{ w: bigint | null }>(db, 'SELECT max(window_start) AS w FROM s3bridge.export_ledger WHERE export_key = $exportKey', { exportKey });
  return row?.w === null || row?.w === undefined ? undefined : Number(row.w);
}

/** Forgets every window of the export streams whose key starts with `keyPrefix` (a removed test folder). */
export async function deleteExportLedger(db: DuckDBConnection, keyPrefix: string): Promise<void> {
  await ensureLedgerTable(db);
  await db.run('DELETE FROM s3bridge.export_ledger WHERE starts_with(export_key, $keyPrefix)', { keyPrefix });
  await db.run('DELETE FROM s3bridge.export_window_loads WHERE starts_with(export_key, $keyPrefix)', { keyPrefix });
}
