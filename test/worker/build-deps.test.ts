import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings';
import { buildDeps } from '../../src/worker/build-deps';
import { queryRows } from '../../src/duckdb/query-rows';

/** No hidden module state: every warehouse, write queue and source reach is an object buildDeps makes; two sets live side by side. */
const dirs = [0, 1].map(() => mkdtempSync(path.join(os.tmpdir(), 's3bridge-deps-')));
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('buildDeps', () => {
  it('builds two independent sets in one process: each warehouse its own file, queue, bookkeeping and idle policy', async () => {
    const [worker, cli] = dirs.map((dir, i) => buildDeps(loadSettings({ ...process.env, S3BRIDGE_DATA_DIR: dir, S3BRIDGE_STORE: 'embedded' }), { worker: i === 0 }));
    await worker!.withStore((db) => db.run('CREATE TABLE mine AS SELECT 1 AS n'));
    await cli!.withStore((db) => db.run('CREATE TABLE yours AS SELECT 2 AS n'));
    const tables = (deps: typeof worker) => deps!.withStore((db) => queryRows<{ name: string }>(db,
      "SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' ORDER BY 1"));
    expect([await tables(worker), await tables(cli)]).toEqual([[{ name: 'mine' }], [{ name: 'yours' }]]);
    // Each sink creates its own bookkeeping once, on its own file, and queues its own writes.
    const target = { schema: 'raw', name: 'x', kind: 'raw' as const };
    expect(await Promise.all([worker!.sink.ledger('c', 't', target), cli!.sink.ledger('c', 't', target)])).toEqual([[], []]);
    const reset = await Promise.all([worker!.sink.resetTable('c', 't'), cli!.sink.resetTable('c', 't')]);
    expect(reset.map((r) => r.rowsDeleted)).toEqual([0, 0]);
    // Only a worker's warehouse reads source buckets; the CLI's never does.
    expect(await cli!.sink.readsSource('any-bucket')).toBe(false);
    await Promise.all([worker!.close(), cli!.close()]);
    // Closed, each opens again on its next use (lazily), still its own.
    expect(await tables(worker)).toEqual([{ name: 'mine' }]);
    await worker!.close();
  });
});
