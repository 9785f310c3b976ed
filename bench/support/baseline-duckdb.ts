import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadSettings } from '../../src/config/settings';
import { createDuckDB, loadHttpfs } from '../../src/duckdb/create-duckdb';
import { createS3Secret } from '../../src/duckdb/s3-session';
import type { SourceConnection } from '../../src/workflow-safe/connection';

/**
 * The baseline's DuckDB: opened like the worker's (createDuckDB: same memory_limit, threads and
 * spill folder), httpfs with keys read literally and the MinIO root user's secret, writing to a
 * fresh database file that is removed after `fn`. It reads S3 directly (the floor), or through
 * the worker's egress gate with `throughEgressGate` (what the gate's proxy costs a plain read).
 */
export async function withBaselineDuckDB<T>(
  name: string, connection: SourceConnection, fn: (db: DuckDBConnection) => Promise<T>, { throughEgressGate = false } = {},
): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${name}-baseline-`));
  const settings = { ...loadSettings({ ...process.env, S3BRIDGE_DATA_DIR: dir }), bypassEgressProxyForBench: !throughEgressGate };
  const opened = await createDuckDB(settings, path.join(dir, 'baseline.duckdb'));
  const db = await opened.instance.connect();
  try {
    await loadHttpfs(db, settings, opened.egress);
    await db.run('SET GLOBAL s3_url_compatibility_mode = true');
    await createS3Secret(db, connection, { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! });
    return await fn(db);
  } finally {
    db.closeSync();
    opened.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
