import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { quoteLiteral } from '../duckdb/sql';

export type SampleFormat = 'parquet' | 'csv' | 'csv.gz' | 'ndjson' | 'ndjson.gz';

const COPY_OPTIONS: Record<SampleFormat, string> = {
  parquet: 'FORMAT parquet',
  csv: 'FORMAT csv, HEADER true',
  'csv.gz': "FORMAT csv, HEADER true, COMPRESSION 'gzip'",
  ndjson: 'FORMAT json',
  'ndjson.gz': "FORMAT json, COMPRESSION 'gzip'",
};

let duck: Promise<DuckDBInstance> | undefined;

/**
 * Renders a trusted SELECT (sample data and test fixtures, never user input) into a file of
 * the given format with DuckDB and returns its bytes.
 */
export async function renderFile(sql: string, format: SampleFormat): Promise<Buffer> {
  duck ??= DuckDBInstance.create(':memory:');
  const db = await (await duck).connect();
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-sample-'));
  const file = path.join(dir, `data.${format}`);
  try {
    await db.run(`COPY (${sql}) TO ${quoteLiteral(file)} (${COPY_OPTIONS[format]})`);
    return readFileSync(file);
  } finally {
    db.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}
