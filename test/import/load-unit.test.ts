import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { SqlWarehouseSink } from '../../src/warehouse/sql-warehouse-sink';
import { loadUnit } from '../../src/import/load-unit';
import { describeUnit } from '../../src/import/describe-unit';
import { queryRows } from '../../src/duckdb/query-rows';
import type { StageContext } from '../../src/import/stage-context';
import type { DiscoveredTable } from '../../src/workflow-safe/catalog/discovered-table';
import { localReaders, type LocalReaders } from '../formats/support';

/** The day load's pipeline (describe, one scan, staged commit) on local files and a local warehouse: no Temporal, no S3. */
let local: LocalReaders;
let warehouse: DuckDBInstance;
beforeAll(async () => {
  local = await localReaders();
  warehouse = await DuckDBInstance.create(':memory:');
});
afterAll(() => {
  warehouse?.closeSync();
  local?.close();
});

const table: DiscoveredTable = {
  connection: 'c', name: 'orders', prefix: 'orders/', layout: 'hive', format: 'csv',
  partitionKeys: [{ name: 'date', type: 'DATE', values: ['2025-01-01'] }], dayKey: 'date',
  columns: [{ name: 'id', type: 'BIGINT' }, { name: 'note', type: 'VARCHAR' }, { name: 'date', type: 'DATE' }],
  fileCount: 1, totalBytes: 1, discoveredAt: '2026-01-01T00:00:00.000Z',
};

describe('loadUnit', () => {
  it('stages a CSV day with its rejects and commits rows, rejects and ledger in one transaction', async () => {
    const file = local.file('part-0.csv', 'id,note,_day,date\n1,"a\nb",x,2025-01-01\n2,b,y\n3,c,z,2025-01-02\nfour,d,w,\n');
    const dir = path.dirname(file);
    const key = path.basename(file);
    mkdirSync(path.join(dir, 'staging'), { recursive: true });
    const unit = { unit: '2025-01-01', day: '2025-01-01', files: [{ key, etag: 'e', size: 1, partition: { unit: '2025-01-01', day: '2025-01-01', values: { date: '2025-01-01' } } }] };
    const reference = [{ name: 'id', type: 'BIGINT' }, { name: 'note', type: 'VARCHAR' }];
    const described = await describeUnit({ db: local.db, urlPrefix: `${dir}/`, table, unit }, reference);
    expect(described.drift.added).toEqual([{ name: '_day__source', type: 'VARCHAR' }]);
    const accepted = [...reference, ...described.drift.added];
    const ctx: StageContext = {
      db: local.db, bucket: 'local', urlPrefix: `${dir}/`, connection: 'c', table, unit, mapping: { mode: 'raw' },
      errorPolicy: 'skip-to-rejects', loadId: 'load-1', stagingDir: path.join(dir, 'staging'), onFile: () => undefined,
    };
    const sink = new SqlWarehouseSink({
      withDb: async (fn) => { const db = await warehouse.connect(); try { return await fn(db); } finally { db.closeSync(); } },
      loadedBy: 'test',
    });
    const loaded = await loadUnit(ctx, { columns: described.columns, dataColumns: accepted, readTypes: new Map(accepted.map((c) => [c.name, c.type])) }, {
      sink,
      commit: {
        connection: 'c', table: 'orders', unit: '2025-01-01', day: '2025-01-01', urlPrefix: `${dir}/`, loadId: 'load-1', target: { schema: 'raw', name: 'c__orders', kind: 'raw' },
        files: [{ key, etag: 'e', size: 1 }], fingerprint: 'f', configHash: 'h', acceptedColumns: accepted, scheme: 'day:date', allowSchemeChange: false,
      },
      source: { minFileBytes: 0, readable: false, grantAccess: () => Promise.reject(new Error('no source access here')) },
      signal: new AbortController().signal,
      onCommit: () => undefined,
    });
    expect(loaded).toMatchObject({ rows: 1, rejectedRows: 3, path: 'staged', staged: 'the warehouse cannot read this bucket' });
    const db = await warehouse.connect();
    try {
      expect(await queryRows(db, 'SELECT id, note, _day__source, "date"::VARCHAR AS d, _day::VARCHAR AS day, _source_key FROM lineage.c__orders'))
        .toEqual([{ id: 1n, note: 'a\nb', _day__source: 'x', d: '2025-01-01', day: '2025-01-01', _source_key: key }]);
      expect(await queryRows(db, 'SELECT row_number, column_name, reason FROM s3bridge.rejects ORDER BY row_number NULLS LAST')).toEqual([
        { row_number: 4n, column_name: null, reason: 'the line has 3 fields, the header has 4' },
        { row_number: 6n, column_name: 'id', reason: 'Error when converting column "id". Could not convert string "four" to \'BIGINT\'' },
        // A CSV row the scan's checks reject (not the reader) has no line number: DuckDB's CSV reader numbers only what it sets aside.
        { row_number: null, column_name: 'date', reason: 'the file\'s value is not its folder\'s date=2025-01-01 (a file column named like a partition key must hold the folder\'s value)' },
      ]);
      expect(await queryRows(db, 'SELECT row_count, rejected_rows, loaded_by FROM s3bridge.load_ledger')).toEqual([{ row_count: 1n, rejected_rows: 3n, loaded_by: 'test' }]);
    } finally {
      db.closeSync();
    }
  });
});
