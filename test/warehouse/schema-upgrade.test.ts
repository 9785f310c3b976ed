import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { SqlWarehouseSink } from '../../src/warehouse/sql-warehouse-sink';
import { WAREHOUSE_SCHEMA_VERSION } from '../../src/warehouse/schema-upgrade';
import { queryRows } from '../../src/duckdb/query-rows';
import { qualifiedName, quoteLiteral } from '../../src/duckdb/sql';
import { fileIdSql } from '../../src/warehouse/source-files';
import { LINEAGE_COLUMNS } from '../../src/warehouse/target-table';
import { createTestEnv, type TestEnv } from '../support/harness';
import { sharedSettings, withLake } from '../support/shared-store';
import { buildDeps } from '../../src/worker/build-deps';
import type { Settings } from '../../src/config/settings';

/**
 * A warehouse written by s3bridge before lineage moved to `s3bridge.source_files` (layout 1:
 * every row carried `_connection, _table, _day, _source_key, _load_id`), upgraded in place. The
 * fixture is that warehouse's tables as DuckDB exported them (EXPORT DATABASE): imports of
 * events (CSV, two days, one rejected row), metrics (Parquet), a raw Hive table (two days, two
 * files each, a file column named `_day`) and a raw CSV table, run by main at 578ddc6.
 */
const FIXTURE = path.join(__dirname, 'fixtures', 'warehouse-v1');
const CONNECTION = 'src-gen-v1-77e5bc';
const TABLES = ['canonical.events', 'canonical.metrics', `raw.${CONNECTION}__orders`, `raw.${CONNECTION}__notes`];
const OLD_LINEAGE = ['_connection', '_table', '_day', '_source_key', '_load_id'];

/** The fixture's statements: its DDL, then its data from the fixture folder. */
function fixtureStatements(): string[] {
  const text = (file: string) => readFileSync(path.join(FIXTURE, file), 'utf8');
  const data = text('load.sql').replaceAll("'test/warehouse/fixtures/warehouse-v1/", `'${FIXTURE}/`);
  return [...text('schema.sql').split(';;'), ...data.split(';')].map((s) => s.trim()).filter(Boolean);
}

const split = (label: string) => [label.slice(0, label.indexOf('.')), label.slice(label.indexOf('.') + 1)] as const;

/** Every row of every table with its lineage, in the old column order, as text: what the upgrade must keep. */
async function rowsWithLineage(db: DuckDBConnection, schemaOf: (schema: string) => string): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const label of TABLES) {
    const [schema, name] = split(label);
    const columns = (await columnsOf(db, label)).filter((c) => !['_file_id', ...OLD_LINEAGE].includes(c));
    const list = [...columns, ...OLD_LINEAGE].map((c) => `${JSON.stringify(c)}::VARCHAR`).join(', ');
    const rows = await queryRows<{ row: string }>(db, `SELECT concat_ws('|', ${list}) AS row FROM ${qualifiedName(schemaOf(schema), name)} ORDER BY row`);
    result[label] = rows.map((r) => r.row);
  }
  return result;
}

async function columnsOf(db: DuckDBConnection, label: string): Promise<string[]> {
  const [schema, name] = split(label);
  return (await queryRows<{ name: string }>(db, `SELECT column_name AS name FROM information_schema.columns
    WHERE table_catalog = current_database() AND table_schema = $schema AND table_name = $name ORDER BY ordinal_position`, { schema, name })).map((c) => c.name);
}

/** What every upgraded warehouse must show, whichever store holds it. */
async function expectUpgraded(db: DuckDBConnection, before: Record<string, string[]>): Promise<void> {
  expect(await queryRows(db, 'SELECT max(version) AS v, count(*) AS n FROM s3bridge.schema_version')).toEqual([{ v: WAREHOUSE_SCHEMA_VERSION, n: 1n }]);
  for (const label of TABLES) {
    const columns = await columnsOf(db, label);
    expect(columns.slice(-2), label).toEqual(['_day', '_file_id']);
    expect(columns.filter((c) => OLD_LINEAGE.includes(c) && c !== '_day'), label).toEqual([]);
  }
  // Every row, every value and its whole lineage, read back through the lineage views.
  expect(await rowsWithLineage(db, () => 'lineage')).toEqual(before);
  // One entry per file the ledger lists (ETag and size from it), each row's file among them.
  const [files] = await queryRows<{ files: bigint; unsized: bigint }>(db,
    'SELECT count(*) AS files, count(*) FILTER (etag IS NULL OR size IS NULL OR loaded_at IS NULL) AS unsized FROM s3bridge.source_files');
  const [listed] = await queryRows<{ n: bigint }>(db, 'SELECT sum(file_count) AS n FROM s3bridge.load_ledger');
  expect(files).toEqual({ files: listed!.n, unsized: 0n });
}

/** Runs `fn` on a new connection to `instance`, closed after. */
function connectionsOf(instance: DuckDBInstance) {
  return async <T>(fn: (db: DuckDBConnection) => Promise<T>): Promise<T> => {
    const db = await instance.connect();
    try {
      return await fn(db);
    } finally {
      db.closeSync();
    }
  };
}

let env: TestEnv;
let dir: string;
let before: Record<string, string[]>;

beforeAll(async () => {
  env = await createTestEnv('schema-upgrade');
  dir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-upgrade-'));
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    for (const statement of fixtureStatements()) await db.run(statement);
    before = await rowsWithLineage(db, (schema) => schema);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
  // The fixture holds what it should: 4 events (one row rejected), 3 metrics, 16 orders over 2 days, 3 notes.
  expect(Object.fromEntries(Object.entries(before).map(([k, v]) => [k, v.length]))).toEqual({
    'canonical.events': 4, 'canonical.metrics': 3, [`raw.${CONNECTION}__orders`]: 16, [`raw.${CONNECTION}__notes`]: 3,
  });
});
afterAll(async () => {
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('warehouse layout upgrade', () => {
  it('upgrades an embedded warehouse of layout 1 in place, once, keeping every row and its lineage; a reset then finds rows by their files', async () => {
    const file = path.join(dir, 'warehouse.duckdb');
    const instance = await DuckDBInstance.create(file);
    const withDb = connectionsOf(instance);
    try {
      await withDb(async (db) => { for (const statement of fixtureStatements()) await db.run(statement); });
      await new SqlWarehouseSink({ withDb, loadedBy: 'test' }).prepare();
      await withDb((db) => expectUpgraded(db, before));
      const ids = () => withDb((db) => queryRows(db, 'SELECT file_id, source_key FROM s3bridge.source_files ORDER BY ALL'));
      const entries = await ids();
      // A second worker finds version 2 and changes nothing.
      await new SqlWarehouseSink({ withDb, loadedBy: 'test' }).prepare();
      await withDb((db) => expectUpgraded(db, before));
      expect(await ids()).toEqual(entries);

      // Rows are found by their files: resetting one table's events leaves the other tables' rows.
      const sink = new SqlWarehouseSink({ withDb, loadedBy: 'test' });
      expect(await sink.resetTable(CONNECTION, 'clicks')).toMatchObject({ rowsDeleted: 4, ledgerEntries: 2, rejectsDeleted: 1 });
      expect(await sink.resetTable(CONNECTION, 'orders')).toMatchObject({ rowsDeleted: 16, ledgerEntries: 2 });
      await withDb(async (db) => {
        expect(await queryRows(db, 'SELECT count(*) AS n FROM canonical.events')).toEqual([{ n: 0n }]);
        expect(await queryRows(db, 'SELECT count(*) AS n FROM lineage.metrics WHERE _table = \'metrics\'')).toEqual([{ n: 3n }]);
        expect(await queryRows(db, "SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE '%__orders'")).toEqual([{ n: 0n }]);
        expect(await queryRows(db, "SELECT DISTINCT table_name FROM s3bridge.source_files ORDER BY 1")).toEqual([{ table_name: 'metrics' }, { table_name: 'notes' }]);
      });
    } finally {
      instance.closeSync();
    }
  });

  it('moves a layout-1 table that appears after the upgrade (a worker of the previous release) on its first commit, replacing its rows exactly', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const withDb = connectionsOf(instance);
    try {
      const sink = new SqlWarehouseSink({ withDb, loadedBy: 'test' });
      await sink.prepare();
      // What the previous release wrote after this warehouse was stamped version 2: two rows of a whole-table load.
      await withDb(async (db) => {
        await db.run('CREATE SCHEMA raw');
        await db.run(`CREATE TABLE raw.c__late AS SELECT r::BIGINT AS id, 'c' AS _connection, 'late' AS _table, NULL::DATE AS _day,
          'late/part-0.csv' AS _source_key, 'old-load' AS _load_id FROM range(2) t(r)`);
        await db.run(`INSERT INTO s3bridge.load_ledger (connection, table_name, unit, day, load_id, target, fingerprint, config_hash, files,
            file_count, bytes, row_count, rejected_rows, loaded_at, unit_scheme)
          VALUES ('c', 'late', 'all', NULL, 'old-load', 'raw.c__late', 'f', 'h', '[{"key":"late/part-0.csv","etag":"e0","size":1}]', 1, 1, 2, 0, now(), 'whole-table')`);
      });
      const file = path.join(dir, 'late.parquet');
      await withDb((db) => db.run(`COPY (SELECT r::BIGINT AS id, NULL::DATE AS _day, ${fileIdSql("'new-load'", "'s3://b/late/part-0.csv'", "'raw.c__late'")} AS _file_id
        FROM range(3) t(r)) TO ${quoteLiteral(file)} (FORMAT parquet)`));
      const committed = await sink.replaceUnit({
        connection: 'c', table: 'late', unit: 'all', day: null, loadId: 'new-load', target: { schema: 'raw', name: 'c__late', kind: 'raw' }, urlPrefix: 's3://b/',
        rows: { kind: 'staged', dataFiles: [file], rejectFiles: [] }, columns: [{ name: 'id', type: 'BIGINT' }, ...LINEAGE_COLUMNS],
        files: [{ key: 'late/part-0.csv', etag: 'e1', size: 1 }], fingerprint: 'f2', configHash: 'h', rowCount: 3, rejectedRows: 0,
        acceptedColumns: [{ name: 'id', type: 'BIGINT' }], scheme: 'whole-table', allowSchemeChange: false,
      });
      expect(committed).toEqual({ status: 'committed', rows: 3 });
      await withDb(async (db) => {
        expect(await columnsOf(db, 'raw.c__late')).toEqual(['id', '_day', '_file_id']);
        expect(await queryRows(db, 'SELECT _load_id, count(*) AS n FROM lineage.c__late GROUP BY ALL')).toEqual([{ _load_id: 'new-load', n: 3n }]);
        expect(await queryRows(db, "SELECT load_id, etag FROM s3bridge.source_files WHERE table_name = 'late'")).toEqual([{ load_id: 'new-load', etag: 'e1' }]);
      });
    } finally {
      instance.closeSync();
    }
  });

  it('upgrades a shared lake of layout 1 the same way when a worker prepares it', async () => {
    const settings: Settings = await sharedSettings(env);
    // Layout 1 written into the lake as the old code created it: the same DDL and rows.
    await withLake(settings, async (db) => {
      for (const statement of fixtureStatements()) await db.run(statement);
    });
    const deps = buildDeps(settings);
    try {
      await deps.sink.prepare();
      await deps.sink.read((db) => expectUpgraded(db, before));
    } finally {
      await deps.close();
    }
  });
});
