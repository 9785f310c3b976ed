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
import { GzipLinesSpool, uploadFile } from './batch-upload';
import type { ExportRows } from './export-rows';
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
  /** A scratch folder for Parquet batches. */
  tempDir: string;
}

export interface WrittenWindow {
  files: ExportedFile[];
  rows: number;
  bytes: number;
  checksum: string;
  fingerprint: string;
  removedKeys: number;
  /** Open multipart uploads aborted before writing; undefined when listing them was denied. */
  abortedUploads: number | undefined;
}

export type Progress = (p: { batch: number; rows: number; uploadedBytes: number }) => void;

/** `count:xor` of the rows' hashes: order-free, so the plan's GROUP BY computes the same. */
export function fingerprintOf(count: number, xor: bigint): string {
  return `${count}:${xor.toString(16)}`;
}

async function writeNdjson(db: DuckDBConnection, rows: ExportRows, target: WindowTarget, windowStart: number, onProgress: Progress) {
  // Only the line and its hash reach JS: converting every column to JS values costs more than the rest.
  const ordered = `SELECT line, row_hash FROM (${rows.sql}) ORDER BY ts_ms, ${rows.kind === 'events' ? 'message_id' : 'line'}`;
  const result = await db.stream(ordered, { from: windowStart, to: windowStart + HOUR_MS });
  const dir = mkdtempSync(path.join(target.tempDir, 'export-'));
  const files: ExportedFile[] = [];
  let count = 0;
  let xor = 0n;
  let current: GzipLinesSpool | undefined;
  const close = async (spool: GzipLinesSpool) => {
    const batch = files.length;
    files.push(await spool.upload({
      s3: target.s3, bucket: target.bucket, key: exportObjectKey(target.prefix, target.format, target.sourceId, windowStart, batch),
      encryption: target.encryption, contentType: 'text/plain', contentEncoding: 'gzip',
      onProgress: (uploadedBytes) => onProgress({ batch, rows: count, uploadedBytes }),
    }));
  };
  try {
    for await (const chunk of result.yieldRowObjectJs()) {
      for (const row of chunk) {
        current ??= new GzipLinesSpool(path.join(dir, `batch-${files.length}.gz`));
        await current.write(row.line as string);
        count += 1;
        xor ^= BigInt(row.row_hash as bigint);
        if (current.rawBytes >= target.maxFileBytes) {
          const full = current;
          current = undefined;
          await close(full);
        }
      }
      onProgress({ batch: files.length, rows: count, uploadedBytes: 0 });
    }
    if (current) {
      const last = current;
      current = undefined;
      await close(last);
    }
  } finally {
    current?.discard();
    rmSync(dir, { recursive: true, force: true });
  }
  return { files, fingerprint: fingerprintOf(count, xor) };
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
    const order = `ts_ms, ${rows.kind === 'events' ? 'message_id' : 'line'}`;
    await db.run(`CREATE OR REPLACE TEMP TABLE export_window AS SELECT ${columns}, row_hash, row_number() OVER (ORDER BY ${order}) AS __seq FROM (${rows.sql})`,
      { from: windowStart, to: windowStart + HOUR_MS });
    const [summary] = await queryRows<{ n: bigint; x: bigint | null }>(db, 'SELECT count(*) AS n, bit_xor(row_hash) AS x FROM export_window');
    const count = Number(summary!.n);
    const files: ExportedFile[] = [];
    if (count > 0) {
      const whole = path.join(dir, 'window.parquet');
      await db.run(`COPY (SELECT * EXCLUDE (row_hash, __seq) FROM export_window ORDER BY __seq) TO ${quoteLiteral(whole)} (FORMAT parquet)`);
      const parts = Math.max(1, Math.ceil(statSync(whole).size / target.maxFileBytes));
      const perPart = Math.ceil(count / parts);
      for (let batch = 0; batch < parts; batch += 1) {
        let file = whole;
        if (parts > 1) {
          file = path.join(dir, `part-${batch}.parquet`);
          await db.run(`COPY (SELECT * EXCLUDE (row_hash, __seq) FROM export_window WHERE __seq > ${batch * perPart} AND __seq <= ${(batch + 1) * perPart} ORDER BY __seq) TO ${quoteLiteral(file)} (FORMAT parquet)`);
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
    return { files, fingerprint: fingerprintOf(count, summary!.x ?? 0n) };
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
  const { files, fingerprint } = target.format === 'segment'
    ? await writeNdjson(db, rows, target, windowStart, onProgress)
    : await writeParquet(db, rows, target, windowStart, onProgress);
  const written = new Set(files.map((f) => f.key));
  const stale = (await listKeys(target.s3, target.bucket, windowPrefix))
    .filter((key) => batchOfKey(windowPrefix, key) !== undefined && !written.has(key));
  await deleteKeys(target.s3, target.bucket, stale);
  const checksum = createHash('sha256').update(files.map((f) => f.sha256).join('\n')).digest('hex');
  return {
    files, rows: files.reduce((n, f) => n + f.rows, 0), bytes: files.reduce((n, f) => n + f.bytes, 0),
    checksum, fingerprint, removedKeys: stale.length, abortedUploads,
  };
}
