import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnSchema } from '../workflow-safe/catalog/discovered-table';
import { readFailure } from '../formats/read-failure';
import { readerFor } from '../formats';
import { schemaSignatures } from '../formats/parquet';
import { isTextFormat } from '../workflow-safe/formats/file-format';
import { addFileDrift, type SchemaDrift } from './schema-drift';
import { probing, type StageContext } from './stage-context';

/** Runs a read on another connection to the same DuckDB instance. */
export type AnotherConnection = <R>(read: (db: DuckDBConnection) => Promise<R>) => Promise<R>;

/** Reads of many footers run as this many queries at once, each on its own connection: one query fetches one footer after another. */
const FOOTER_READERS = 4;
const FOOTERS_PER_READER = 50;

/**
 * Parquet footers of the whole unit: each file's schema as a signature, files grouped by it.
 * Many files are split among FOOTER_READERS concurrent queries when `withAnother` gives more
 * connections to the same instance (its secret and lockdown are the instance's).
 */
async function parquetSchemaGroups(db: DuckDBConnection, urls: string[], withAnother?: AnotherConnection): Promise<Map<string, string[]>> {
  const read = schemaSignatures;
  const readers = withAnother ? Math.min(FOOTER_READERS, Math.floor(urls.length / FOOTERS_PER_READER)) : 1;
  let rows: { url: string; signature: string }[];
  if (readers <= 1) {
    rows = await read(db, urls);
  } else {
    // Settled, not raced: no reader may still run on its connection when an error ends the load.
    const results = await Promise.allSettled(Array.from({ length: readers }, (_, i) =>
      withAnother!((conn) => read(conn, urls.filter((_url, j) => j % readers === i)))));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    rows = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
  }
  const groups = new Map<string, string[]>();
  const byUrl = new Map(rows.map((r) => [r.url, r.signature]));
  for (const file of urls) {
    const signature = byUrl.get(file) ?? file;
    groups.set(signature, [...(groups.get(signature) ?? []), file]);
  }
  return groups;
}

/**
 * Each Parquet file's columns: the footers of all of them in one query (split among readers when
 * there are many), then one DESCRIBE per distinct schema. A failed read names the file at fault.
 */
export async function parquetColumns(db: DuckDBConnection, urls: string[], withAnother?: AnotherConnection): Promise<Map<string, ColumnSchema[]>> {
  const describeOne = (fileUrl: string) => readerFor('parquet').columns(db, fileUrl);
  const groups = await probing(db, urls, 'parquet', (files) => parquetSchemaGroups(db, files, withAnother), describeOne);
  const byUrl = new Map<string, ColumnSchema[]>();
  for (const files of groups.values()) {
    const described = await describeOne(files[0]!).catch((error: unknown) => { throw readFailure(error, files[0]!, 'parquet'); });
    for (const file of files) byUrl.set(file, described);
  }
  return byUrl;
}

/**
 * Reads each file's columns and the drift against the reference schema. Parquet: the footers of
 * all the unit's files in one query, then one DESCRIBE per distinct schema (usually one); text
 * formats: each file's header (CSV) or sampled keys (NDJSON).
 */
export async function describeUnit(
  ctx: Pick<StageContext, 'db' | 'urlPrefix' | 'table' | 'unit'> & {
    withAnother?: AnotherConnection;
    /** Parquet files' columns read already (a batch of days reads all its footers at once). */
    known?: Map<string, ColumnSchema[]>;
  },
  reference: ColumnSchema[],
) {
  const columns = new Map<string, ColumnSchema[]>();
  const drift: SchemaDrift = { added: [], changed: [], files: [] };
  const { format } = ctx.table;
  const typed = !isTextFormat(format);
  const urls = ctx.unit.files.map((f) => ctx.urlPrefix + f.key);
  let byUrl = new Map<string, ColumnSchema[]>();
  const reader = readerFor(format);
  const describeOne = (fileUrl: string) => reader.columns(ctx.db, fileUrl);
  if (format === 'parquet' && urls.length > 0) {
    const { known } = ctx;
    byUrl = known && urls.every((url) => known.has(url)) ? known : await parquetColumns(ctx.db, urls, ctx.withAnother);
  } else {
    for (const fileUrl of urls) {
      byUrl.set(fileUrl, await describeOne(fileUrl).catch((error: unknown) => { throw readFailure(error, fileUrl, format); }));
    }
  }
  // A file column named like a partition key (a `date` column in Statsig's day folders) is the
  // partition's column, not drift: the scan checks every value equals the folder's.
  const partitionNames = new Set(ctx.table.partitionKeys.map((k) => k.name.toLowerCase()));
  for (const file of ctx.unit.files) {
    const fileColumns = byUrl.get(ctx.urlPrefix + file.key) ?? [];
    columns.set(file.key, fileColumns);
    addFileDrift(drift, reference, { key: file.key, columns: fileColumns.filter((c) => !partitionNames.has(c.name.toLowerCase())) }, typed);
  }
  return { columns, drift };
}

