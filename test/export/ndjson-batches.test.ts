import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { shipGzipBatches, type GzipBatch } from '../../src/export/ndjson-batches';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ndjson-batches-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The batches by the rule itself: a batch closes after the line that brings it to maxBytes. */
function expectedBatches(lines: string[], maxBytes: number): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    current.push(line);
    bytes += Buffer.byteLength(`${line}\n`);
    if (bytes >= maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

async function split(name: string, lines: string[], maxBytes: number) {
  const file = path.join(dir, `${name}.ndjson`);
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  const shipped: (GzipBatch & { lines: string[] })[] = [];
  const results = await shipGzipBatches(file, maxBytes, dir, async (batch) => {
    // Uploads finish out of step with compression: a slow first one must not reorder the results.
    if (batch.index === 0) await new Promise((resolve) => setTimeout(resolve, 30));
    const text = gunzipSync(readFileSync(batch.file)).toString('utf8');
    shipped.push({ ...batch, lines: text.split('\n').slice(0, -1) });
    return batch.index;
  });
  return { results, shipped: shipped.sort((a, b) => a.index - b.index) };
}

describe('shipGzipBatches', () => {
  it('closes each batch after the line that reaches maxBytes, across 1 MiB reads, counting rows and uncompressed bytes', async () => {
    // ~2.6 MB of lines of varied length (multi-byte characters included): boundaries fall inside and across reads.
    const lines = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ n: i, pad: 'é'.repeat(i % 97), word: 'x'.repeat((i * 31) % 150) }));
    // maxBytes 1: one line per batch (a few hundred lines are enough to show it).
    for (const [maxBytes, count] of [[1, 300], [1000, 3000], [300_000, lines.length], [1024 * 1024, lines.length], [10_000_000, lines.length]] as const) {
      const some = lines.slice(0, count);
      const { results, shipped } = await split(`lines-${maxBytes}`, some, maxBytes);
      const expected = expectedBatches(some, maxBytes);
      expect(shipped.map((b) => b.lines), `maxBytes ${maxBytes}`).toEqual(expected);
      expect(shipped.map((b) => b.rows)).toEqual(expected.map((b) => b.length));
      expect(shipped.map((b) => b.rawBytes)).toEqual(expected.map((b) => Buffer.byteLength(b.map((l) => `${l}\n`).join(''))));
      expect(results).toEqual(expected.map((_, i) => i));
    }
  });

  it('ships nothing for an empty window', async () => {
    expect((await split('empty', [], 1000)).results).toEqual([]);
  });

  it('stops at an upload that fails, and reports its error', async () => {
    const file = path.join(dir, 'fails.ndjson');
    writeFileSync(file, Array.from({ length: 1000 }, (_, i) => `{"n":${i}}\n`).join(''));
    const shipped: number[] = [];
    const error = await shipGzipBatches(file, 500, dir, (batch) => {
      if (batch.index === 2) return Promise.reject(new Error('upload refused'));
      shipped.push(batch.index);
      return Promise.resolve();
    }).catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe('upload refused');
    expect(shipped).toEqual([0, 1]);
  });
});
