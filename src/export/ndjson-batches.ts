import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';

const NEWLINE = 0x0a;
/** Reads of the window's NDJSON file: large, so gzip gets few, big writes. */
const READ_SIZE = 1024 * 1024;
/**
 * zlib level 5: on Segment messages it compresses within 0.5% of level 6 (the default, and
 * DuckDB's) for about 60% of the CPU (zlib's level 6 searches 4x longer match chains).
 */
const GZIP_LEVEL = 5;

/** One gzipped batch on local disk, ready to upload. */
export interface GzipBatch {
  index: number;
  file: string;
  rows: number;
  /** Its NDJSON bytes before gzip (what closes a batch). */
  rawBytes: number;
}

/** Lines in, gzip (zlib, in the thread pool) into a local file. */
class GzipFile {
  rows = 0;
  rawBytes = 0;
  private readonly gzip: Gzip = createGzip({ level: GZIP_LEVEL, chunkSize: 256 * 1024 });
  private readonly written: Promise<void>;

  constructor(readonly file: string) {
    const out = createWriteStream(file);
    this.gzip.pipe(out);
    this.written = finished(out);
    // Errors surface through `written`, awaited by write's drain race and by end.
    this.written.catch(() => undefined);
  }

  async write(bytes: Buffer, rows: number): Promise<void> {
    this.rows += rows;
    this.rawBytes += bytes.length;
    if (!this.gzip.write(bytes)) await Promise.race([once(this.gzip, 'drain'), this.written]);
  }

  async end(): Promise<void> {
    this.gzip.end();
    await this.written;
  }

  destroy(): void {
    this.gzip.destroy();
  }
}

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) n += 1;
  return n;
}

/**
 * Splits a local NDJSON file into gzipped batch files in `dir`, in order: a batch closes after
 * the line that brings its uncompressed size to `maxBytes`, so the split depends on the lines
 * alone (deterministic). Each closed batch is handed to `ship` (the upload), which runs while the
 * next batch is compressed; at most one upload is in flight, so the disk holds two batches.
 * `onRead` hears of every read (progress while a large batch is compressed). Returns what every
 * `ship` returned, in batch order.
 */
export async function shipGzipBatches<T>(
  ndjson: string, maxBytes: number, dir: string, ship: (batch: GzipBatch) => Promise<T>, onRead?: (progress: { batch: number; rows: number }) => void,
): Promise<T[]> {
  const shipped: T[] = [];
  let inFlight: Promise<void> | undefined;
  // An upload's failure, kept until the next batch closes (so it is never an unhandled rejection).
  let failed: { error: unknown } | undefined;
  const settle = async () => {
    await inFlight;
    if (failed) throw failed.error;
  };
  let current: GzipFile | undefined;
  let index = 0;
  let rowsRead = 0;
  const close = async () => {
    const full = current!;
    current = undefined;
    await full.end();
    const batch: GzipBatch = { index, file: full.file, rows: full.rows, rawBytes: full.rawBytes };
    index += 1;
    await settle();
    inFlight = ship(batch).then((result) => { shipped[batch.index] = result; }, (error: unknown) => { failed = { error }; });
  };
  try {
    for await (const chunk of createReadStream(ndjson, { highWaterMark: READ_SIZE }) as AsyncIterable<Buffer>) {
      let at = 0;
      while (at < chunk.length) {
        current ??= new GzipFile(path.join(dir, `batch-${index}.gz`));
        // The line that reaches maxBytes ends the batch: the first newline at or after that byte.
        const reach = Math.max(at, at + (maxBytes - current.rawBytes) - 1);
        const end = reach < chunk.length ? chunk.indexOf(NEWLINE, reach) : -1;
        const piece = chunk.subarray(at, end === -1 ? chunk.length : end + 1);
        const lines = countLines(piece);
        rowsRead += lines;
        await current.write(piece, lines);
        at += piece.length;
        if (end !== -1) await close();
      }
      onRead?.({ batch: index, rows: rowsRead });
    }
    if (current && current.rawBytes > 0) await close();
    await settle();
    return shipped;
  } finally {
    current?.destroy();
    // Nothing keeps running behind the caller's cleanup.
    await inFlight;
  }
}
