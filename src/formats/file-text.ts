import { gunzipSync } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBBlobValue } from '@duckdb/node-api';
import { queryRows } from '../duckdb/query-rows';

/** Past this (compressed or not) a file is not read again to number its lines: the rejects keep their record numbers only. */
const MAX_TEXT_BYTES = 256 * 1024 * 1024;

/**
 * One object's bytes, decompressed, for numbering the lines of its rejected rows: only on the
 * path where a file has bad rows, never for a good day. Undefined when the file is too large
 * (or the read fails): the caller reports what it knows without line numbers.
 */
export async function fileBytes(db: DuckDBConnection, url: string, gzip: boolean): Promise<Buffer | undefined> {
  try {
    const [meta] = await queryRows<{ size: bigint }>(db, 'SELECT size FROM read_blob($url)', { url });
    if (!meta || Number(meta.size) > MAX_TEXT_BYTES) return undefined;
    const reader = await db.runAndReadAll('SELECT content FROM read_blob($url)', { url });
    const value = reader.getRows()[0]?.[0];
    if (!(value instanceof DuckDBBlobValue)) return undefined;
    const bytes = Buffer.from(value.bytes);
    return gzip ? gunzipSync(bytes, { maxOutputLength: MAX_TEXT_BYTES }) : bytes;
  } catch {
    return undefined;
  }
}

/** The 1-based physical line a byte offset falls on (line breaks inside quoted CSV values count). */
export function lineAtByte(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let at = bytes.indexOf(10); at >= 0 && at < offset; at = bytes.indexOf(10, at + 1)) line += 1;
  return line;
}
