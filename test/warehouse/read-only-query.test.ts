import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOnlyQuery } from '../../src/warehouse/read-only-query';

let instance: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  await db.run('CREATE SCHEMA raw; CREATE TABLE raw.t AS SELECT r AS id, r * 2 AS doubled FROM range(5) t(r)');
});
afterAll(() => {
  db.closeSync();
  instance.closeSync();
});

const refusal = (sql: string) => readOnlyQuery(db, sql, 10).then(() => 'ran', (error: Error) => error.message);

describe('readOnlyQuery (s3bridge sql)', () => {
  it('runs a SELECT with CTEs and returns JSON-safe rows, at most the limit', async () => {
    const result = await readOnlyQuery(db, 'WITH x AS (SELECT id, doubled FROM raw.t) SELECT id, doubled::BIGINT AS d FROM x ORDER BY id', 3);
    expect(result.columns).toEqual([{ name: 'id', type: 'BIGINT' }, { name: 'd', type: 'BIGINT' }]);
    expect(result.rows).toEqual([{ id: '0', d: '0' }, { id: '1', d: '2' }, { id: '2', d: '4' }]);
    expect(result.truncated).toBe(true);
  });

  it.each([
    ['DELETE FROM raw.t', 'only one SELECT statement is allowed'],
    ['CREATE TABLE raw.u AS SELECT 1', 'only one SELECT statement is allowed'],
    ["COPY raw.t TO '/tmp/out.csv'", 'only one SELECT statement is allowed'],
    ["ATTACH '/tmp/other.duckdb'", 'only one SELECT statement is allowed'],
    ["SET memory_limit = '1GB'", 'only one SELECT statement is allowed'],
    ['SELECT 1; DROP TABLE raw.t', 'only one SELECT statement is allowed'],
    ['SELECT 1; SELECT 2', 'give exactly one SELECT statement'],
    ["SELECT * FROM read_csv('/etc/passwd')", 'the table function read_csv() is not allowed'],
    ["SELECT * FROM raw.t WHERE id IN (SELECT 1 FROM read_text('/etc/hostname'))", 'the table function read_text() is not allowed'],
    ["SELECT * FROM '/etc/passwd.csv'", '"/etc/passwd.csv" looks like a file'],
  ])('refuses %s', async (sql, message) => {
    expect(await refusal(sql)).toContain(message);
  });

  it('leaves the data untouched', async () => {
    expect((await readOnlyQuery(db, 'SELECT count(*) AS n FROM raw.t', 10)).rows).toEqual([{ n: '5' }]);
  });
});
