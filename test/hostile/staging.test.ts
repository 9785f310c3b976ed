import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { warehouse } from '../import/fixtures';
import { rawTableName } from '../../src/warehouse/target-table';
import { localSourceConnection } from '../../src/config/local-services';
import { validateAndDiscover } from './support';

let env: TestEnv;
const FILES = 6;
const ROWS = 5_000;

const base = () => `s${env.id.slice(-6)}`;
// Before, staging was named after `<connection>__<table>__<day>`: these two loads shared one folder.
const one = () => localSourceConnection({ name: base(), bucket: env.bucket, prefix: 'p1' });
const two = () => localSourceConnection({ name: `${base()}__b`, bucket: env.bucket, prefix: 'p2' });

beforeAll(async () => {
  env = await createTestEnv('hostile-staging');
  for (let f = 0; f < FILES; f += 1) {
    await putTable(env.s3, env.bucket, `p1/b__c/date=2025-08-01/part-${f}.parquet`, `SELECT ${f} * ${ROWS} + r AS id, 'one' AS who FROM range(${ROWS}) t(r)`);
    await putTable(env.s3, env.bucket, `p2/c/date=2025-08-01/part-${f}.parquet`, `SELECT ${f} * ${ROWS} + r AS id, 'two' AS who FROM range(${ROWS + 1}) t(r)`);
  }
  await env.startWorker();
  await validateAndDiscover(env, one());
  await validateAndDiscover(env, two());
});
afterAll(async () => env?.close());

const listDir = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
const table = (connection: string, name: string) => `raw."${rawTableName(connection, name)}"`;

describe('staging is per load', () => {
  it('loads whose connection and table names once made the same staging folder run at once and both land whole', async () => {
    const [a, b] = await Promise.all([
      env.s3bridge.importTable({ connection: one(), table: 'b__c', days: 'all' }),
      env.s3bridge.importTable({ connection: two(), table: 'c', days: 'all' }),
    ]);
    expect(a.days).toMatchObject([{ status: 'loaded', rows: FILES * ROWS, files: FILES }]);
    expect(b.days).toMatchObject([{ status: 'loaded', rows: FILES * (ROWS + 1), files: FILES }]);
    expect(await warehouse(env, `SELECT who, count(*) AS n FROM ${table(one().name, 'b__c')} GROUP BY 1`)).toEqual([{ who: 'one', n: FILES * ROWS }]);
    expect(await warehouse(env, `SELECT who, count(*) AS n FROM ${table(two().name, 'c')} GROUP BY 1`)).toEqual([{ who: 'two', n: FILES * (ROWS + 1) }]);
  });

  it('leaves no staging folder and no spill folder behind', async () => {
    expect(listDir(path.join(env.settings.dataDir, 'staging'))).toEqual([]);
    // The worker keeps the warehouse file (and its spill folder) open for a moment between commits.
    await env.deps.close();
    expect(listDir(path.join(env.settings.dataDir, 'duckdb-tmp'))).toEqual([]);
  });
});
