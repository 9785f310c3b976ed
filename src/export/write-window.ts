import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Encryption } from '../workflow-safe/connection';
import { batchOfKey, exportObjectKey, windowKeyPrefix, HOUR_MS, type ExportFormat } from '../workflow-safe/export/export-layout';
import type { ExportedFile } from '../catalog/export-ledger-store';
import { queryRows } from '../duckdb/query-rows';
import { quoteLiteral } from '../duckdb/sql';
import { inTransaction } from '../duckdb/in-transaction';
import { uploadFile } from './batch-upload';
import { fingerprintOf, type ExportRows } from './export-rows';
import { shipGzipBatches } from './ndjson-batches';
import { abortOpenUploads, deleteKeys, listKeys } from './s3-multipart';

export interface WindowTarget {
  s3: S3Client;
  bucket: string;
  /** The prefix the layout starts from (the connection's, or the migration's test prefix). */
  prefix: string;
  format: ExportFormat;
  sourceId: string;
  encryption: Encryption;
  maxFileBytes: number;
  /** A scratch folder: the window's NDJSON or Parquet file and its gzipped batches. */
  tempDir: string;
}

export interface WrittenWindow {
  files: ExportedFile[];
  rows: number;
  bytes: number;
  checksum: string;
  fingerprint: string;
  /** A received-time window's loads (IDs), as written. */
  loads?: string[];
  removedKeys: number;
  /** Open multipart uploads aborted before writing; undefined when listing them was denied. */
  abortedUploads: number | undefined;
}

export type Progress = (p: { batch: number; rows: number; uploadedBytes: number }) => void;

/** How often a long statement (the window's COPY) reports progress: well inside the heartbeat timeout. */
const STATEMENT_HEARTBEAT_MS = 5_000;

/** Runs one long statement, reporting progress on a timer while it runs (DuckDB gives none). */
async function whileReporting<T>(report: () => void, run: () => Promise<T>): Promise<T> {
  const timer = setInterval(report, STATEMENT_HEARTBEAT_MS);
  try {
    return await run();
  } finally {
    clearInterval(timer);
  }
}

/**
 * Writes the window's rows and reads its summary in one transaction (one snapshot, so the
 * fingerprint, row count and loads describe exactly the rows written).
 */
async function writeSnapshot(db: DuckDBConnection, rows: ExportRows, params: WindowParams, write: () => Promise<unknown>, onProgress: Progress) {
  return whileReporting(() => onProgress({ batch: 0, rows: 0, uploadedBytes: 0 }), () => inTransaction(db, async () => {
    await write();
    const [summary] = await queryRows<{ n: bigint; s: bigint | null }>(db, rows.summarySql, params);
    const loads = rows.clock === 'received'
      ? (await queryRows<{ load_id: string }>(db, rows.loadsSql, { ...params, target: rows.table })).map((r) => r.load_id)
      : undefined;
    return { count: Number(summary!.n), fingerprint: fingerprintOf(summary!.n, summary!.s), ...(loads ? { loads } : {}) };
  }));
}

type WindowParams = { from: number; to: number };

/**
 * Segment's gzipped NDJSON: DuckDB builds every line and writes the window, sorted, to one
 * local file (COPY, as text: no quoting, one line per row); Node splits it into batches of
 * maxFileBytes (uncompressed), gzips each (zlib, in large writes) and uploads it while the
 * next one is compressed.
 */
async function writeNdjson(db: DuckDBConnection, rows: ExportRows, target: WindowTarget, windowStart: number, onProgress: Progress) {
  const params = { from: windowStart, to: windowStart + HOUR_MS };
  const dir = mkdtempSync(path.join(target.tempDir, 'export-'));
  try {
    const lines = path.join(dir, 'window.ndjson');
    // CSV without quote, escape or header writes each line verbatim; the delimiter never applies (one column).
    const summary = await writeSnapshot(db, rows, params, () => db.run(
      `COPY (SELECT line FROM (${rows.sql}) ORDER BY ${rows.order}) TO ${quoteLiteral(lines)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x1f')`,
      params), onProgress);
    // Progress: the highest batch begun (a retry aborts uploads up to it) and the rows read so far.
    const progress = { batch: 0, rows: 0 };
    let shippedRows = 0;
    const files = await shipGzipBatches(lines, target.maxFileBytes, dir, async (batch) => {
      const { method: _method, ...file } = await uploadFile({
        s3: target.s3, bucket: target.bucket, key: exportObjectKey(target.prefix, target.format, target.sourceId, windowStart, batch.index),
        encryption: target.encryption, contentType: 'text/plain', contentEncoding: 'gzip',
        onProgress: (uploadedBytes) => onProgress({ ...progress, uploadedBytes }),
      }, batch.file, batch.rows);
      rmSync(batch.file, { force: true });
      shippedRows += batch.rows;
      return file;
    }, (read) => {
      Object.assign(progress, read);
      onProgress({ ...progress, uploadedBytes: 0 });
    });
    if (shippedRows !== summary.count) throw new Error(`the window's file held ${shippedRows} lines for ${summary.count} rows (a line break inside a line?)`);
    return { files, fingerprint: summary.fingerprint, loads: summary.loads };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Parquet: the window goes to one local file, split by row ranges when it exceeds maxFileBytes, each part streamed up. */
async function writeParquet(db: DuckDBConnection, rows: ExportRows, target: WindowTarget, windowStart: number, onProgress: Progress) {
  const dir = mkdtempSync(path.join(target.tempDir, 'export-'));
  try {
    const columns = rows.kind === 'events'
      ? `message_id AS "messageId", 'track' AS "type", event, user_id AS "userId", anonymous_id AS "anonymousId", properties::JSON AS properties,
         json_object('s3bridge', json_object('unitIds', unit_ids::JSON, 'value', "value", 'connection', connection, 'table', source_table, 'sourceKey', source_key)) AS context,
         ts AS "timestamp", received_at AS "receivedAt"`
      : 'line::JSON AS row';
    const params = { from: windowStart, to: windowStart + HOUR_MS };
    const summary = await writeSnapshot(db, rows, params, () => db.run(
      `CREATE OR REPLACE TEMP TABLE export_window AS SELECT ${columns}, row_number() OVER (ORDER BY ${rows.order}) AS __seq FROM (${rows.sql})`, params), onProgress);
    const { count } = summary;
    const files: ExportedFile[] = [];
    if (count > 0) {
      const whole = path.join(dir, 'window.parquet');
      await db.run(`COPY (SELECT * EXCLUDE (__seq) FROM export_window ORDER BY __seq) TO ${quoteLiteral(whole)} (FORMAT parquet)`);
      const parts = Math.max(1, Math.ceil(statSync(whole).size / target.maxFileBytes));
      const perPart = Math.ceil(count / parts);
      for (let batch = 0; batch < parts; batch += 1) {
        let file = whole;
        if (parts > 1) {
          file = path.join(dir, `part-${batch}.parquet`);
          await db.run(`COPY (SELECT * EXCLUDE (__seq) FROM export_window WHERE __seq > ${batch * perPart} AND __seq <= ${(batch + 1) * perPart} ORDER BY __seq) TO ${quoteLiteral(file)} (FORMAT parquet)`);
        }
        const partRows = Math.min(perPart, count - batch * perPart);
        const { method: _method, ...uploaded } = await uploadFile({
          s3: target.s3, bucket: target.bucket, key: exportObjectKey(target.prefix, target.format, target.sourceId, windowStart, batch),
          encryption: target.encryption, contentType: 'application/vnd.apache.parquet',
          onProgress: (uploadedBytes) => onProgress({ batch, rows: count, uploadedBytes }),
        }, file, partRows);
        files.push(uploaded);
      }
    }
    await db.run('DROP TABLE IF EXISTS export_window');
    return { files, fingerprint: summary.fingerprint, loads: summary.loads };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Exports one hourly window: aborts uploads a killed attempt left open under the window's
 * prefix (and under the keys of its first `knownBatches` batches), writes the window's rows as batch files 0, 1, ... (deterministic keys, so a re-run
 * overwrites them), then deletes higher-numbered batches an earlier run of the window left.
 */
export async function writeWindow(
  db: DuckDBConnection, rows: ExportRows, target: WindowTarget, windowStart: number, onProgress: Progress, knownBatches: number,
): Promise<WrittenWindow> {
  const windowPrefix = windowKeyPrefix(target.prefix, target.format, target.sourceId, windowStart);
  // The window's prefix finds every open upload on AWS; MinIO needs the exact keys an earlier attempt may have used.
  const batchKeys = Array.from({ length: knownBatches + 1 }, (_, batch) => exportObjectKey(target.prefix, target.format, target.sourceId, windowStart, batch));
  const abortedUploads = await abortOpenUploads(target.s3, target.bucket, windowPrefix, ...batchKeys);
  const { files, fingerprint, loads } = target.format === 'segment'
    ? await writeNdjson(db, rows, target, windowStart, onProgress)
    : await writeParquet(db, rows, target, windowStart, onProgress);
  const written = new Set(files.map((f) => f.key));
  const stale = (await listKeys(target.s3, target.bucket, windowPrefix))
    .filter((key) => batchOfKey(windowPrefix, key) !== undefined && !written.has(key));
  await deleteKeys(target.s3, target.bucket, stale);
  const checksum = createHash('sha256').update(files.map((f) => f.sha256).join('\n')).digest('hex');
  return {
    files, rows: files.reduce((n, f) => n + f.rows, 0), bytes: files.reduce((n, f) => n + f.bytes, 0),
    checksum, fingerprint, removedKeys: stale.length, abortedUploads, ...(loads ? { loads } : {}),
  };
}
