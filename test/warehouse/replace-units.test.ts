import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { SqlWarehouseSink } from '../../src/warehouse/sql-warehouse-sink';
import type { UnitCommit } from '../../src/warehouse/warehouse-sink';
import { LINEAGE_COLUMNS } from '../../src/warehouse/target-table';
import { queryRows } from '../../src/duckdb/query-rows';
import { quoteLiteral } from '../../src/duckdb/sql';
import { fileIdSql } from '../../src/warehouse/source-files';

/** A batch's commit on a local warehouse: several staged days in one transaction, a refused one left out alone. */
let warehouse: DuckDBInstance;
let dir: string;
let sink: SqlWarehouseSink;
beforeAll(async () => {
  warehouse = await DuckDBInstance.create(':memory:');
  dir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-replace-units-'));
  sink = new SqlWarehouseSink({
    withDb: async (fn) => { const db = await warehouse.connect(); try { return await fn(db); } finally { db.closeSync(); } },
    loadedBy: 'test',
  });
});
afterAll(() => {
  warehouse?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

/** A staged day of `rows` rows of table `table` (its data file written as the staged path writes it). */
async function stagedDay(table: string, day: string | null, rows: number, scheme: string): Promise<UnitCommit> {
  const loadId = `load-${table}-${day ?? 'all'}`;
  const file = path.join(dir, `${loadId}.parquet`);
  const db = await warehouse.connect();
  try {
    const fileId = fileIdSql(quoteLiteral(loadId), quoteLiteral('s3://b/k'), quoteLiteral(`raw.c__${table}`));
    await db.run(`COPY (SELECT r::BIGINT AS id, ${day ? `DATE ${quoteLiteral(day)}` : 'NULL::DATE'} AS _day, ${fileId} AS _file_id
      FROM range(${rows}) t(r)) TO ${quoteLiteral(file)} (FORMAT parquet)`);
  } finally {
    db.closeSync();
  }
  return {
    connection: 'c', table, unit: day ?? 'all', day, loadId, target: { schema: 'raw', name: `c__${table}`, kind: 'raw' }, urlPrefix: 's3://b/',
    rows: { kind: 'staged', dataFiles: [file], rejectFiles: [] }, columns: [{ name: 'id', type: 'BIGINT' }, ...LINEAGE_COLUMNS],
    files: [{ key: 'k', etag: 'e', size: 1 }], fingerprint: 'f', configHash: 'h', rowCount: rows, rejectedRows: 0,
    acceptedColumns: [{ name: 'id', type: 'BIGINT' }], scheme, allowSchemeChange: false,
  };
}

async function rows(sql: string) {
  const db = await warehouse.connect();
  try {
    return await queryRows(db, sql);
  } finally {
    db.closeSync();
  }
}

describe('SqlWarehouseSink.replaceUnits', () => {
  it('commits every day of a batch with its own ledger entry; a day the warehouse refuses fails alone and the others commit', async () => {
    // Table `old` was loaded whole: a day of it now is a scheme change the commit refuses without reload.
    expect(await sink.replaceUnit(await stagedDay('old', null, 3, 'whole-table'))).toEqual({ status: 'committed', rows: 3 });
    const results = await sink.replaceUnits([
      await stagedDay('new', '2025-01-01', 2, 'day:date'),
      await stagedDay('old', '2025-01-02', 5, 'day:date'),
      await stagedDay('new', '2025-01-03', 4, 'day:date'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['committed', 'failed', 'committed']);
    expect(results[1]!.status === 'failed' && results[1]!.error.message).toBe('table "old" was loaded into raw.c__old as one whole-table unit, but its files are now laid out as '
      + 'one unit per day of "date"; loading on top of the old load would duplicate its rows, so nothing was loaded. Re-run the import with reload (CLI --reload, '
      + 'input "reload": true): the first day committed removes the old load in its transaction and every day then loads on its own');
    expect(await rows('SELECT _day::VARCHAR AS day, count(*) AS n FROM raw.c__new GROUP BY 1 ORDER BY 1')).toEqual([{ day: '2025-01-01', n: 2n }, { day: '2025-01-03', n: 4n }]);
    // The refused day changed nothing: the old load stands.
    expect(await rows('SELECT count(*) AS n FROM raw.c__old')).toEqual([{ n: 3n }]);
    expect(await rows('SELECT table_name, unit, row_count FROM s3bridge.load_ledger ORDER BY 1, 2')).toEqual([
      { table_name: 'new', unit: '2025-01-01', row_count: 2n },
      { table_name: 'new', unit: '2025-01-03', row_count: 4n },
      { table_name: 'old', unit: 'all', row_count: 3n },
    ]);
  });

  it('commits the same batch again as a replace: no day doubles', async () => {
    const again = await sink.replaceUnits([await stagedDay('new', '2025-01-01', 2, 'day:date'), await stagedDay('new', '2025-01-03', 4, 'day:date')]);
    expect(again.map((r) => r.status)).toEqual(['committed', 'committed']);
    expect(await rows('SELECT _day::VARCHAR AS day, count(*) AS n FROM raw.c__new GROUP BY 1 ORDER BY 1')).toEqual([{ day: '2025-01-01', n: 2n }, { day: '2025-01-03', n: 4n }]);
    expect(await rows("SELECT count(*) AS n FROM s3bridge.load_ledger WHERE table_name = 'new'")).toEqual([{ n: 2n }]);
    // Every row's file is the entry its day's commit wrote.
    expect(await rows("SELECT count(*) AS n FROM lineage.c__new WHERE _source_key = 'k' AND _table = 'new'")).toEqual([{ n: 6n }]);
  });
});
