import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOnlyQuery } from '../../src/warehouse/read-only-query';
import { createLineageView, SOURCE_FILES_DDL } from '../../src/warehouse/source-files';
import { QUERY_REFUSED, QUERY_TIMED_OUT } from '../../src/workflow-safe/failure-types';

let instance: DuckDBInstance;
let db: DuckDBConnection;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-query-'));
  writeFileSync(path.join(dir, 'probe.csv'), 'secret\nstaged-row-of-another-load\n');
  instance = await DuckDBInstance.create(path.join(dir, 'warehouse.duckdb'));
  db = await instance.connect();
  await db.run('CREATE SCHEMA raw; CREATE TABLE raw.t AS SELECT r AS id, r * 2 AS doubled FROM range(5) t(r)');
  await db.run('CREATE SCHEMA s3bridge; CREATE TABLE s3bridge.load_ledger AS SELECT \'2025-01-01\' AS unit, 5 AS row_count');
  await db.run('CREATE TABLE main.plain AS SELECT 1 AS x; CREATE VIEW raw.v AS SELECT id FROM raw.t WHERE id < 2');
  await db.run('CREATE TABLE raw."shop__events" AS SELECT 7 AS n');
  // A macro of the warehouse's own would win over DuckDB's function of the same name.
  await db.run('CREATE MACRO upper(x) AS x');
});
afterAll(() => {
  db.closeSync();
  instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

const run = (sql: string, limit = 10) => readOnlyQuery(db, sql, { limit, timeoutMs: 30_000 });
const refusal = (sql: string) => run(sql).then(() => 'ran', (error: Error & { type?: string }) => `${error.type}: ${error.message}`);
const READS = 'it reads the warehouse\'s own tables and views only (schema.table, e.g. s3bridge.load_ledger or raw."shop__events")';

describe('readOnlyQuery (s3bridge sql)', () => {
  it('runs a SELECT with CTEs and returns JSON-safe rows, at most the limit', async () => {
    const result = await readOnlyQuery(db, 'WITH x AS (SELECT id, doubled FROM raw.t) SELECT id, doubled::BIGINT AS d FROM x ORDER BY id', { limit: 3, timeoutMs: 30_000 });
    expect(result.columns).toEqual([{ name: 'id', type: 'BIGINT' }, { name: 'd', type: 'BIGINT' }]);
    expect(result.rows).toEqual([{ id: '0', d: '0' }, { id: '1', d: '2' }, { id: '2', d: '4' }]);
    expect(result.truncated).toBe(true);
  });

  it.each([
    ['the bookkeeping tables and a target table, joined, grouped, windowed', `SELECT l.unit, sum(t.id) OVER (ORDER BY t.id) AS s, count(*) FILTER (WHERE t.id > 1) AS c
      FROM s3bridge.load_ledger l JOIN raw.t t ON true WHERE l.unit LIKE '2025%' GROUP BY l.unit, t.id ORDER BY t.id LIMIT 1`],
    ['a quoted target table and a view', 'SELECT n FROM raw."shop__events" UNION ALL SELECT id FROM raw.v'],
    ['a fully qualified name and an unqualified one in main', 'SELECT w.x, p.x AS y FROM warehouse.main.plain w, plain p'],
    ['VALUES, a recursive CTE and scalar functions', "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 3) SELECT lower('A') || i::VARCHAR, date_trunc('day', now()) FROM r, (VALUES (1)) v(x)"],
    ['FROM first', 'FROM raw.t SELECT max(id)'],
    ['JSON typed by a shallow constant structure', `SELECT from_json('{"a": [1]}', '{"a": ["INTEGER"]}').a, json_transform('{"b": "x"}', '{"b": "VARCHAR"}').b, json_extract('{"a": 1}', '$.a')`],
    ['padding, series and bins with small constant sizes', "SELECT lpad(id::VARCHAR, 2, '0'), rpad('a', 3, '.'), range(5), generate_series(1, 3), [x * 2 for x in range(10, 0, -3)], equi_width_bins(0, 10, 5, false) FROM raw.t"],
    ['the CLI\'s `tables status` shape', "SELECT unit AS \"u\", strftime(now() AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS at FROM s3bridge.load_ledger WHERE unit = '2025-01-01' ORDER BY 1"],
  ])('allows %s', async (_what, sql) => {
    expect(await refusal(sql)).toBe('ran');
  });

  it.each([
    // The worker's AWS keys, copied into DuckDB settings by httpfs (issue 18, 1).
    ["SELECT current_setting('s3_secret_access_key')", 'the function current_setting() is not allowed: s3bridge sql computes with pure functions only (no settings, variables, files or URLs)'],
    ["SELECT value FROM pg_settings WHERE name = 's3_access_key_id'", `pg_settings is not a table of the warehouse: ${READS}`],
    ['SELECT * FROM pg_catalog.pg_settings', `pg_catalog.pg_settings is not a table of the warehouse: ${READS}`],
    ['SELECT * FROM system.pg_catalog.pg_settings', `system.pg_catalog.pg_settings is not a table of the warehouse: ${READS}`],
    ['SELECT * FROM duckdb_settings()', `the table function duckdb_settings() is not allowed: ${READS}, not files, URLs or DuckDB's own tables`],
    ['SELECT * FROM duckdb_secrets()', `the table function duckdb_secrets() is not allowed: ${READS}, not files, URLs or DuckDB's own tables`],
    ["SELECT getvariable('x')", 'the function getvariable() is not allowed: s3bridge sql computes with pure functions only (no settings, variables, files or URLs)'],
    ["SELECT json_serialize_plan('SELECT 1')", 'the function json_serialize_plan() is not allowed: s3bridge sql computes with pure functions only (no settings, variables, files or URLs)'],
    ["SELECT upper('x')", 'the function upper() is not allowed: s3bridge sql computes with pure functions only (no settings, variables, files or URLs)'],
    ["SELECT raw.lower('x')", 'raw.lower() is not allowed: call functions by their plain name'],
    ["SELECT main.current_setting('x')", 'the function current_setting() is not allowed: s3bridge sql computes with pure functions only (no settings, variables, files or URLs)'],
    ['SELECT * FROM duckdb_tables', `duckdb_tables is not a table of the warehouse: ${READS}`],
    ['SELECT * FROM information_schema.tables', `information_schema.tables is not a table of the warehouse: ${READS}`],
    ['SELECT * FROM temp.main.x', `temp.main.x is not a table of the warehouse: ${READS}`],
    ['SELECT * FROM raw.nosuch', `raw.nosuch is not a table of the warehouse: ${READS}`],
    // Files (issue 18, 2): table functions, replacement scans, a schema-qualified path, SUMMARIZE.
    ["SELECT * FROM read_csv('/etc/passwd')", `the table function read_csv() is not allowed: ${READS}, not files, URLs or DuckDB's own tables`],
    ["SELECT * FROM raw.t WHERE id IN (SELECT 1 FROM read_text('/etc/hostname'))", `the table function read_text() is not allowed: ${READS}, not files, URLs or DuckDB's own tables`],
    ["SELECT * FROM '/etc/passwd.csv'", `"/etc/passwd.csv" is not a table of the warehouse: ${READS}`],
    ['SELECT * FROM "probe.csv"', `"probe.csv" is not a table of the warehouse: ${READS}`],
    ['SUMMARIZE raw.t', `DESCRIBE, SUMMARIZE and SHOW are not allowed: ${READS}`],
    ['DESCRIBE raw.t', `DESCRIBE, SUMMARIZE and SHOW are not allowed: ${READS}`],
    ["SELECT * FROM glob('/tmp/*')", `the table function glob() is not allowed: ${READS}, not files, URLs or DuckDB's own tables`],
    ['WITH "x.csv" AS (SELECT 1) SELECT * FROM "x.csv"', 'the CTE name "x.csv" is not allowed: name CTEs with letters, digits and _'],
    ['WITH pg_settings AS (SELECT 1) SELECT * FROM pg_settings', `pg_settings is not a table of the warehouse: ${READS}`],
    ['SELECT $1', 'parameter expressions are not allowed in s3bridge sql'],
    // A result sized by an argument's value, or a cost past the interrupt: the worker's memory and cores.
    ["SELECT repeat('x', 2000000000)", 'the function repeat() is not allowed: its result\'s size is set by an argument\'s value, so one call could exhaust the worker\'s memory past DuckDB\'s memory_limit'],
    ['SELECT range(id * 1000000) FROM raw.t', 'range() is allowed with constant integer arguments giving at most 10000 elements: a larger or computed one could exhaust the worker\'s memory past DuckDB\'s memory_limit'],
    ['SELECT generate_series(0, 10000)', 'generate_series() is allowed with constant integer arguments giving at most 10000 elements: a larger or computed one could exhaust the worker\'s memory past DuckDB\'s memory_limit'],
    ["SELECT lpad('x', id::INTEGER * 100000000, 'y') FROM raw.t", 'lpad() is allowed with a constant length of at most 10000: a larger or computed one could exhaust the worker\'s memory past DuckDB\'s memory_limit'],
    ['SELECT equi_width_bins(0, id, 1000000, false) FROM raw.t', 'equi_width_bins() is allowed with a constant bin count of at most 1000: a larger or computed one could exhaust the worker\'s memory past DuckDB\'s memory_limit'],
    ['SELECT list_resize([1], 50000000)', 'the function list_resize() is not allowed: its result\'s size is set by an argument\'s value, so one call could exhaust the worker\'s memory past DuckDB\'s memory_limit'],
    ["SELECT printf('%100000000d', 1)", 'the function printf() is not allowed: a width in its format pads to any size, so one call could exhaust the worker\'s memory past DuckDB\'s memory_limit; use || or concat'],
    // Recursion as deep as the JSON: a deep document or structure overflowed the worker's stack (SIGSEGV at depth 10,000-100,000).
    ["SELECT json_structure('{\"a\": 1}')", 'the function json_structure() is not allowed: it recurses as deep as the JSON it is given, and a deeply nested document (from a table or a literal) overflows the worker\'s stack and kills it'],
    ["SELECT json_group_structure(j) FROM (SELECT '[1]'::JSON AS j)", 'the function json_group_structure() is not allowed: it recurses as deep as the JSON it is given, and a deeply nested document (from a table or a literal) overflows the worker\'s stack and kills it'],
    ["SELECT length(list_reduce(list_transform(range(30), i -> 'x'), (a, b) -> a || a))", 'the function list_reduce() is not allowed: a lambda that doubles its accumulator (a || a) builds a value of 2^n bytes in one call, past DuckDB\'s memory_limit; aggregate with string_agg or list functions'],
    ["SELECT reduce([1, 2], (a, b) -> a + b)", 'the function reduce() is not allowed: a lambda that doubles its accumulator (a || a) builds a value of 2^n bytes in one call, past DuckDB\'s memory_limit; aggregate with string_agg or list functions'],
    ["SELECT json_contains('[1]', '1')", 'the function json_contains() is not allowed: it recurses as deep as the JSON it is given, and a deeply nested document (from a table or a literal) overflows the worker\'s stack and kills it'],
    ["SELECT json_merge_patch('{}', '{}')", 'the function json_merge_patch() is not allowed: it recurses as deep as the JSON it is given, and a deeply nested document (from a table or a literal) overflows the worker\'s stack and kills it'],
    [`SELECT from_json('[]', '${'['.repeat(33)}"INTEGER"${']'.repeat(33)}')`, 'from_json() is allowed with a constant structure nested at most 32 deep: DuckDB builds the type recursively, and a deeper one overflows the worker\'s stack and kills it'],
    ["SELECT json_transform('{}', '{\"a\": ' || '\"INTEGER\"}')", 'json_transform() is allowed with a constant structure nested at most 32 deep: DuckDB builds the type recursively, and a deeper one overflows the worker\'s stack and kills it'],
    ["SELECT damerau_levenshtein('a', 'b')", 'the function damerau_levenshtein() is not allowed: its cost grows with the product of its inputs\' lengths and DuckDB cannot interrupt it at the query\'s timeout; hamming or mismatches compare equal-length strings'],
    // Not one SELECT.
    ['DELETE FROM raw.t', 'only one SELECT statement is allowed (DuckDB: Only SELECT statements can be serialized to json!)'],
    ["COPY raw.t TO '/tmp/out.csv'", 'only one SELECT statement is allowed'],
    ["ATTACH '/tmp/other.duckdb'", 'only one SELECT statement is allowed'],
    ["SET memory_limit = '1GB'", 'only one SELECT statement is allowed'],
    ['SELECT 1; DROP TABLE raw.t', 'only one SELECT statement is allowed'],
    ['SELECT 1; SELECT 2', 'give exactly one SELECT statement'],
  ])('refuses %s', async (sql, message) => {
    expect(await refusal(sql)).toContain(`${QUERY_REFUSED}: ${message}`);
  });

  it('refuses a query text longer than 64 KiB before parsing it (it bounds the gate\'s work and every literal)', async () => {
    expect(await refusal(`SELECT '${'x'.repeat(65_536)}'`)).toBe(`${QUERY_REFUSED}: the query is 65545 characters long; s3bridge sql takes at most 65536`);
  });

  it('refuses a NUL character, so the text checked and the text run cannot differ', async () => {
    expect(await refusal("SELECT id FROM raw.t\0; SELECT getenv('HOME')")).toBe(`${QUERY_REFUSED}: the query contains a NUL character (\\0): remove it`);
  });

  it('refuses a schema-qualified path to a file in the data dir (a replacement scan), naming it', async () => {
    const probe = path.join(dir, 'probe');
    expect(await refusal(`SELECT * FROM "${probe}".csv`)).toBe(`${QUERY_REFUSED}: ${JSON.stringify(probe)}.csv is not a table of the warehouse: ${READS}`);
  });

  it('scrubs what a failed query quotes back before it can reach history', async () => {
    expect(await refusal("SELECT 'a-customer-value-that-goes-on-and-on'::INTEGER")).toBe(
      `${QUERY_REFUSED}: the query failed: Conversion Error: Could not convert string 'a-customer-value-tha...(16 more chars)' to INT32`);
  });

  it('is interrupted at its timeout and says how to narrow it', async () => {
    const started = Date.now();
    const slow = 'SELECT count(*) FROM raw.t a, raw.t b, raw.t c, raw.t d, raw.t e, raw.t f, raw.t g, raw.t h, raw.t i, raw.t j, raw.t k, raw.t l, raw.t m, raw.t n, raw.t o, raw.t p';
    const outcome = await readOnlyQuery(db, slow, { limit: 1, timeoutMs: 500 }).then(() => 'ran', (error: Error & { type?: string }) => `${error.type}: ${error.message}`);
    expect(outcome).toBe(`${QUERY_TIMED_OUT}: the query ran longer than its timeout (1 s) and was stopped: narrow it (a WHERE on _day, fewer joins) or raise its timeout (s3bridge sql --timeout, at most 300 s)`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reads a lineage view: the rows with their files joined back', async () => {
    await db.run('CREATE TABLE raw.l AS SELECT 1 AS id, DATE \'2025-01-01\' AS _day, 42::BIGINT AS _file_id');
    await db.run(SOURCE_FILES_DDL);
    await db.run("INSERT INTO s3bridge.source_files (file_id, target, connection, table_name, source_key, load_id) VALUES (42, 'raw.l', 'shop', 'l', 'l/part-0.csv', 'load-1')");
    await createLineageView(db, { schema: 'raw', name: 'l', kind: 'raw' });
    expect((await run('SELECT id, _connection, _table, _source_key, _load_id FROM lineage.l')).rows)
      .toEqual([{ id: 1, _connection: 'shop', _table: 'l', _source_key: 'l/part-0.csv', _load_id: 'load-1' }]);
  });

  it('leaves the data untouched', async () => {
    expect((await run('SELECT count(*) AS n FROM raw.t')).rows).toEqual([{ n: '5' }]);
  });
});
