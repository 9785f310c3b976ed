import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, putTable } from '../support/objects';
import { lineageTable, rawTable, warehouse } from '../import/fixtures';
import { catalogEntry, validateAndDiscover } from './support';

// Every key is read as exactly that object: DuckDB must not expand globs, parse `?` settings
// or send a request anywhere but the bucket. Each file holds (index + 1) rows with value `i`.
const HOSTILE = [
  'part-*.parquet',
  'q?x=1.parquet',
  'br[0-9].parquet',
  'curly{a,b}.parquet',
  'back\\slash.parquet',
  'with space.parquet',
  'pct%41%2F.parquet',
  'plus+sign.parquet',
  'ünï©ødé-日本.parquet',
  'ctl\u0001\u001f\u007f.parquet',
  "quo'te\".parquet",
  // No extension (read as the table's format) and nothing after the settings: the worst case.
  'tail?s3_endpoint=localhost:1&s3_use_ssl=false',
];
const PLAIN = ['part-1.parquet', 'part-2.parquet', 'br1.parquet', 'q.parquet', 'curlya.parquet'];
const DAY = '2025-05-01';
const rowsOf = (i: number) => i + 1;

let env: TestEnv;
// An explicit format: files without an extension (the `?s3_endpoint=` key) are read as Parquet, as discovery reads them.
const source = () => env.source({ format: 'parquet' });
const all = [...HOSTILE, ...PLAIN];

beforeAll(async () => {
  env = await createTestEnv('hostile-keys');
  for (const [i, name] of all.entries()) {
    await putTable(env.s3, env.bucket, `keys/date=${DAY}/${name}`, `SELECT ${i} AS i, 'v' || r AS v FROM range(${rowsOf(i)}) t(r)`);
  }
  // A second table whose only files have glob and query characters: the sample the validation reads.
  await putTable(env.s3, env.bucket, 'odd/[only]?.parquet', 'SELECT 7 AS i FROM range(3)');
  await env.startWorker();
});
afterAll(async () => env?.close());

describe('object keys are read literally', () => {
  it('validation reads a sample whose key has glob and query characters', async () => {
    const report = await env.s3bridge.validateConnection({ connection: source() });
    expect(report.status).toBe('active');
    expect(report.checks.find((c) => c.check === 'sample-read')?.status).toBe('ok');
  });

  it('discovery lists every hostile key (url-encoded listing, decoded) and reads the samples without problems', async () => {
    const report = await validateAndDiscover(env, source());
    expect(report.skipped).toEqual([]);
    const keys = await catalogEntry(env, 'keys');
    expect(keys.fileCount).toBe(all.length);
    expect(keys.problems ?? []).toEqual([]);
    expect(keys.columns.map((c) => c.name)).toEqual(['i', 'v', 'date']);
    const odd = await catalogEntry(env, 'odd');
    expect(odd).toMatchObject({ fileCount: 1, sampledFiles: ['[only]?.parquet'] });
  });

  it('imports each file of the day exactly once: a `*` key beside the files it would match adds no duplicates', async () => {
    const report = await env.s3bridge.importTable({ connection: source(), table: 'keys', days: 'all' });
    const total = all.reduce((n, _, i) => n + rowsOf(i), 0);
    expect(report.days).toMatchObject([{ day: DAY, status: 'loaded', files: all.length, rows: total }]);
    const perKey = await warehouse<{ key: string; n: number; i: number }>(env,
      `SELECT _source_key AS key, count(*) AS n, min(i) AS i FROM ${lineageTable(env, 'keys')} GROUP BY 1`);
    const got = Object.fromEntries(perKey.map((r) => [r.key, [r.n, r.i]]));
    expect(got).toEqual(Object.fromEntries(all.map((name, i) => [`keys/date=${DAY}/${name}`, [rowsOf(i), i]])));
  });

  it('a key ending in ?s3_endpoint=... is fetched from the bucket itself, not from the endpoint it names', async () => {
    const i = HOSTILE.indexOf('tail?s3_endpoint=localhost:1&s3_use_ssl=false');
    const [row] = await warehouse<{ n: number }>(env, `SELECT count(*) AS n FROM ${rawTable(env, 'keys')} WHERE i = $i`, { i });
    expect(row!.n).toBe(rowsOf(i));
  });

  it('a re-run finds every hostile key unchanged (the ledger holds the exact keys)', async () => {
    const report = await env.s3bridge.importTable({ connection: source(), table: 'keys', days: 'all' });
    expect(report.totals).toMatchObject({ loaded: 0, skipped: 1, failed: 0 });
    const [ledger] = await warehouse<{ files: string }>(env, 'SELECT files::VARCHAR AS files FROM s3bridge.load_ledger WHERE table_name = $t', { t: 'keys' });
    expect((JSON.parse(ledger!.files) as { key: string }[]).map((f) => f.key).sort()).toEqual(all.map((n) => `keys/date=${DAY}/${n}`).sort());
  });

  it('checkSetup reads exactly the sample key it is given, glob characters and all', async () => {
    const result = await env.s3bridge.checkSetup({ connection: source(), sampleKey: `keys/date=${DAY}/part-*.parquet` });
    expect(result.sampleRows).toBe(rowsOf(0));
    const bracket = await env.s3bridge.checkSetup({ connection: source(), sampleKey: `keys/date=${DAY}/br[0-9].parquet` });
    expect(bracket.sampleRows).toBe(rowsOf(2));
  });

  it('an object whose name is a glob matching nothing else is still one object, not "no files found"', async () => {
    await putObject(env.s3, env.bucket, 'lonely/date=2025-05-02/x.parquet.crc', 'ignored');
    await putTable(env.s3, env.bucket, 'lonely/date=2025-05-02/**.parquet', 'SELECT 1 AS i FROM range(4)');
    await env.s3bridge.discoverSchema({ connection: source() });
    const report = await env.s3bridge.importTable({ connection: source(), table: 'lonely', days: 'all' });
    expect(report.days).toMatchObject([{ day: '2025-05-02', status: 'loaded', files: 1, rows: 4 }]);
  });
});
