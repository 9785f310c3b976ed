import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject } from '../support/objects';
import type { DiscoveryReport } from '../../src/workflow-safe/discovery/discovery-report';
import { LINEAGE_COLUMN_NAMES } from '../../src/workflow-safe/formats/column-names';

/**
 * Files from Apache parquet-testing (vendored in ./parquet-testing, Apache-2.0; its README says
 * what each covers), each a one-day table, through the real workflow (MinIO, Temporal, the
 * worker): a file DuckDB reads loads to exactly what `read_parquet` reads from it (column names,
 * types, rows), by either commit; a file it cannot read is refused naming the file and why.
 */
let env: TestEnv;
let local: DuckDBConnection;
let discovery: DiscoveryReport;
const FIXTURES = path.join(__dirname, 'parquet-testing');
const DAY = '2025-01-01';
const READABLE = [
  'alltypes_plain', 'int96_from_spark', 'fixed_length_decimal', 'byte_array_decimal', 'nested_maps.snappy',
  'nested_lists.snappy', 'nullable.impala', 'repeated_no_annotation', 'delta_length_byte_array',
  'byte_stream_split.zstd', 'datapage_v2.snappy', 'float16_nonzeros_and_nans', 'rle_boolean_encoding', 'lz4_raw_compressed',
];
const REFUSED = ['data/hadoop_lz4_compressed', 'bad_data/ARROW-RS-GH-6229-DICTHEADER', 'bad_data/PARQUET-1481'];
const tableOf = (file: string) => path.basename(file).replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();
const keyOf = (file: string) => `pq/${tableOf(file)}/date=${DAY}/${path.basename(file)}.parquet`;
const source = () => env.source({ name: `src-pq-${env.id}`, prefix: 'pq' });

/** Column names and types, and the rows as text (sorted): what a comparison of two reads needs. */
async function read(db: DuckDBConnection, from: string): Promise<{ columns: string[][]; rows: string[] }> {
  const columns = (await db.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)).getRows().map((r) => [String(r[0]), String(r[1])]);
  const rows = (await db.runAndReadAll(`SELECT COLUMNS(*)::VARCHAR FROM ${from}`)).getRows();
  return { columns, rows: rows.map((r) => JSON.stringify(r)).sort() };
}

beforeAll(async () => {
  env = await createTestEnv('import-parquet-testing');
  local = await (await DuckDBInstance.create(':memory:')).connect();
  for (const file of [...READABLE.map((name) => `data/${name}`), ...REFUSED]) {
    await putObject(env.s3, env.bucket, keyOf(file), readFileSync(path.join(FIXTURES, `${file}.parquet`)));
  }
  await env.startWorker();
  expect((await env.s3bridge.validateConnection({ connection: source() })).status).toBe('active');
  discovery = await env.s3bridge.discoverSchema({ connection: source() });
}, 300_000);
afterAll(async () => {
  local?.closeSync();
  await env?.close();
});

describe('parquet-testing through the real import', () => {
  it.each(READABLE)('%s.parquet loads as read_parquet reads it, staged and read by the warehouse itself', async (name) => {
    const want = await read(local, `read_parquet('${path.join(FIXTURES, 'data', `${name}.parquet`)}')`);
    const table = tableOf(name);
    const got = () => env.withWarehouse((db) =>
      read(db, `(SELECT * EXCLUDE (${LINEAGE_COLUMN_NAMES.join(', ')}, "date") FROM raw."${source().name}__${table}")`));
    const staged = await env.s3bridge.importTable({ connection: source(), table, days: 'all' });
    expect(staged.days.map((d) => [d.status, d.path, d.rows]), JSON.stringify(staged.days)).toEqual([['loaded', 'staged', want.rows.length]]);
    expect(await got()).toEqual(want);
    const original = env.settings.directLoadMinFileBytes;
    try {
      env.settings.directLoadMinFileBytes = 0;
      const direct = await env.s3bridge.importTable({ connection: source(), table, days: 'all', reload: true });
      // Its footer declares 0 rows (it holds 6): the warehouse's read does not match the footer, so that commit is declined and the day stages.
      const commit = name === 'repeated_no_annotation' ? 'staged' : 'direct';
      expect(direct.days.map((d) => [d.status, d.path, d.rows]), JSON.stringify(direct.days)).toEqual([['loaded', commit, want.rows.length]]);
      expect(await got()).toEqual(want);
    } finally {
      env.settings.directLoadMinFileBytes = original;
    }
  });

  it('refuses a codec DuckDB does not read and a corrupt page naming the file; discovery skips a corrupt footer naming it', async () => {
    const url = (file: string) => `s3://${env.bucket}/${keyOf(file)}`;
    const reason = async (file: string) => (await env.s3bridge.importTable({ connection: source(), table: tableOf(file), days: 'all' })).days.map((d) => [d.status, d.reason]);
    const lz4 = url('data/hadoop_lz4_compressed');
    expect(await reason('data/hadoop_lz4_compressed')).toEqual([['failed', `${lz4} cannot be read as parquet: Invalid Input Error: Failed to read file "${lz4}": `
      + 'Unsupported compression codec "LZ4". Supported options are uncompressed, brotli, gzip, lz4_raw, snappy or zstd; replace or remove the file, then re-run the import']]);
    const header = url('bad_data/ARROW-RS-GH-6229-DICTHEADER');
    expect(await reason('bad_data/ARROW-RS-GH-6229-DICTHEADER')).toEqual([['failed', `${header} cannot be read as parquet: Invalid Error: Prefetch registered for bytes `
      + `outside file: ${header}, attempted range: [4, 2593), file size: 533; replace or remove the file, then re-run the import`]]);
    expect(discovery.skipped).toEqual([{ name: 'parquet_1481', reason: `unreadable: none of the 1 sampled files could be read (date=${DAY}/PARQUET-1481.parquet: `
      + 'Invalid Error: TProtocolException: Invalid data)' }]);
  });
});
