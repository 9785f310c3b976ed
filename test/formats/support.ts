import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import type { ColumnSchema, FileFormat } from '../../src/workflow-safe/catalog/discovered-table';
import { readerFor } from '../../src/formats';

/** A local DuckDB and a temp folder: the formats module's readers run on local files exactly as on S3 objects. */
export async function localReaders() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-formats-'));
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  let scans = 0;
  return {
    db,
    /** Writes a file (gzipped for .gz formats) and returns its path. */
    file(name: string, content: string | Buffer, format?: FileFormat): string {
      const file = path.join(dir, name);
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      writeFileSync(file, format?.endsWith('.gz') ? gzipSync(bytes) : bytes);
      return file;
    },
    /** Scans files with the reader's own SQL: the rows, and the rows the reader set aside. */
    async scan(format: FileFormat, files: string[], columns: ColumnSchema[]) {
      const reader = readerFor(format);
      const tables = { rejects: `rejects_${++scans}`, scans: `scans_${scans}` };
      const reader2 = await db.runAndReadAll(`SELECT * EXCLUDE (__s3b_file) FROM ${reader.scanSql(columns, tables)} s`,
        { files: listValue(files) }, { files: LIST(VARCHAR) });
      const rows = reader2.getRowObjectsJS() as Record<string, unknown>[];
      return { rows, rejects: await reader.rejects(db, tables, columns.length) };
    },
    close() {
      db.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type LocalReaders = Awaited<ReturnType<typeof localReaders>>;
