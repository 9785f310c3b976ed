import { rmSync } from 'node:fs';
import path from 'node:path';
import { LIST, listValue, VARCHAR, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { ColumnSchema, DiscoveredTable } from '../workflow-safe/catalog/discovered-table';
import type { ErrorPolicy } from '../workflow-safe/import/import-input';
import type { ImportMapping } from '../workflow-safe/import/mapping';
import { queryRows } from '../duckdb/query-rows';
import { s3ObjectUrl } from '../duckdb/s3-session';
import { quoteIdentifier, quoteLiteral } from '../duckdb/sql';
import { badData, readFailure } from '../formats/read-failure';
import { excerpt, excerptName, scrubValues } from '../workflow-safe/excerpt';
import type { UnitFiles } from './list-table-files';
import { buildProjection, type RowCheck } from './projection';
import { FILE_COLUMN, readerFor, type FormatReader, type ReaderReject, type RejectTables } from '../formats';
import { declaredRows, schemaSignatures } from '../formats/parquet';
import { isTextFormat } from '../workflow-safe/formats/file-format';
import { classifyDuckDBReadError } from '../duckdb/classify-read-error';
import { addFileDrift, type SchemaDrift } from './schema-drift';
import { lineageSelects } from './lineage';

export interface StageContext {
  db: DuckDBConnection;
  bucket: string;
  connection: string;
  table: DiscoveredTable;
  unit: UnitFiles;
  mapping: ImportMapping;
  errorPolicy: ErrorPolicy;
  loadId: string;
  stagingDir: string;
  /** Called before each scan (fresh credentials for DuckDB's secret). */
  beforeScan?(): Promise<void>;
  /** Called after each scan of a group of files; throws to stop (cancellation). */
  onFile(filesDone: number, rows: number): void;
}

export interface StagedFiles {
  dataFiles: string[];
  rejectFiles: string[];
  rows: number;
  rejectedRows: number;
}

const url = s3ObjectUrl;
const FILES = { files: LIST(VARCHAR) };

/** Runs `fn` with the unit's URLs; when a read of many files fails, finds the file that fails alone, so the error names its key. */
async function probing<T>(db: DuckDBConnection, urls: string[], format: string, read: (files: string[]) => Promise<T>, probe: (file: string) => Promise<unknown> = (file) => read([file])): Promise<T> {
  try {
    return await read(urls);
  } catch (error) {
    if (urls.length === 1 || classifyDuckDBReadError(error instanceof Error ? error.message : String(error)) === 'transient') {
      throw readFailure(error, urls[0]!, format);
    }
    for (const file of urls) {
      // Probe errors are what we want to see; anything else (an interrupt) ends the search.
      const failed = await probe(file).then(() => undefined, (probeError: unknown) => probeError);
      if (failed !== undefined) throw readFailure(failed, file, format);
    }
    throw readFailure(error, `${urls[0]} (one of ${urls.length} files)`, format);
  }
}

/** Runs a read on another connection to the same DuckDB instance. */
type AnotherConnection = <R>(read: (db: DuckDBConnection) => Promise<R>) => Promise<R>;

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
 * Reads each file's columns and the drift against the reference schema. Parquet: the footers of
 * all the unit's files in one query, then one DESCRIBE per distinct schema (usually one); text
 * formats: each file's header (CSV) or sampled keys (NDJSON).
 */
export async function describeUnit(
  ctx: Pick<StageContext, 'db' | 'bucket' | 'table' | 'unit'> & { withAnother?: AnotherConnection },
  reference: ColumnSchema[],
) {
  const columns = new Map<string, ColumnSchema[]>();
  const drift: SchemaDrift = { added: [], changed: [], files: [] };
  const { format } = ctx.table;
  const typed = !isTextFormat(format);
  const urls = ctx.unit.files.map((f) => url(ctx.bucket, f.key));
  const byUrl = new Map<string, ColumnSchema[]>();
  const reader = readerFor(format);
  const describeOne = (fileUrl: string) => reader.columns(ctx.db, fileUrl);
  if (format === 'parquet' && urls.length > 0) {
    const groups = await probing(ctx.db, urls, format, (files) => parquetSchemaGroups(ctx.db, files, ctx.withAnother), describeOne);
    for (const files of groups.values()) {
      const described = await describeOne(files[0]!).catch((error: unknown) => { throw readFailure(error, files[0]!, format); });
      for (const file of files) byUrl.set(file, described);
    }
  } else {
    for (const fileUrl of urls) {
      byUrl.set(fileUrl, await describeOne(fileUrl).catch((error: unknown) => { throw readFailure(error, fileUrl, format); }));
    }
  }
  // A file column named like a partition key (a `date` column in Statsig's day folders) is the
  // partition's column, not drift: the scan checks every value equals the folder's.
  const partitionNames = new Set(ctx.table.partitionKeys.map((k) => k.name.toLowerCase()));
  for (const file of ctx.unit.files) {
    const fileColumns = byUrl.get(url(ctx.bucket, file.key)) ?? [];
    columns.set(file.key, fileColumns);
    addFileDrift(drift, reference, { key: file.key, columns: fileColumns.filter((c) => !partitionNames.has(c.name.toLowerCase())) }, typed);
  }
  return { columns, drift };
}

function caseOf(checks: RowCheck[], pick: (c: RowCheck) => string | null | { sql: string }): string {
  if (checks.length === 0) return 'NULL::VARCHAR';
  const value = (v: string | null | { sql: string }) => (v === null ? 'NULL' : typeof v === 'string' ? quoteLiteral(v) : v.sql);
  return `CASE ${checks.map((c) => `WHEN ${c.when} THEN ${value(pick(c))}`).join(' ')} END::VARCHAR`;
}

type UnitFile = UnitFiles['files'][number];

/** The unit's files grouped by the columns they are read with, in listing order: one scan per group (usually one for the day). */
function scanGroups(files: UnitFile[], columnsOf: (file: UnitFile) => ColumnSchema[]) {
  const groups = new Map<string, { columns: ColumnSchema[]; files: UnitFile[] }>();
  for (const file of files) {
    const columns = columnsOf(file);
    const signature = JSON.stringify(columns);
    const group = groups.get(signature) ?? { columns, files: [] };
    group.files.push(file);
    groups.set(signature, group);
  }
  return [...groups.values()];
}

/**
 * The common case of a Parquet day, in one pass: every scan writes its good rows straight to a
 * staged Parquet file. When the rows written equal the rows the footers declare, no row was
 * rejected and the day is staged; otherwise (bad rows) undefined, and the caller stages the day
 * through the checked relation, which also writes the rejects.
 */
async function stageWithoutRejects(ctx: StageContext, scans: UnitScan[]): Promise<StagedFiles | undefined> {
  const { db } = ctx;
  const declared = await declaredRows(db, scans.flatMap((scan) => scan.urls));
  const dataFiles: string[] = [];
  let rows = 0;
  let filesDone = 0;
  for (const [index, { select, params, urls }] of scans.entries()) {
    await ctx.beforeScan?.();
    const dataFile = path.join(ctx.stagingDir, `data-${index}.parquet`);
    const copy = (files: string[]) => db.runAndReadAll(`COPY (${goodRowsSql(select)}) TO ${quoteLiteral(dataFile)} (FORMAT parquet)`, { ...params, files: listValue(files) }, FILES);
    const written = await probing(db, urls, 'parquet', copy, async (file) => {
      ctx.onFile(filesDone, rows);
      await copy([file]);
    });
    rows += Number((written.getRowObjectsJS()[0] as { Count: bigint } | undefined)?.Count ?? 0);
    dataFiles.push(dataFile);
    filesDone += urls.length;
    ctx.onFile(filesDone, rows);
  }
  if (rows !== declared) {
    for (const file of dataFiles) rmSync(file, { force: true });
    return undefined;
  }
  return { dataFiles, rejectFiles: [], rows, rejectedRows: 0 };
}

/** One scan of a group of the unit's files: the mapped, checked rows (`__bad_reason` set on bad ones). */
export interface UnitScan {
  select: string;
  params: Record<string, DuckDBValue>;
  urls: string[];
  /** Where the reader records the rows it set aside (CSV's malformed lines, NDJSON lines it could not read). */
  rejectTables: RejectTables;
  /** How many columns the files' header has (CSV's field counts are compared with it). */
  columns: number;
}

export interface UnitSchema {
  columns: Map<string, ColumnSchema[]>;
  dataColumns: ColumnSchema[];
  readTypes: Map<string, string>;
}

/** Raised by a guarded scan (goodRowsSql's `failOnBad`) at its first bad row. */
export const ROW_REJECTED_MARKER = 's3bridge: a row failed the checks';

/**
 * The good rows of a scan, without its check columns: what the warehouse receives. With
 * `failOnBad`, the first bad row fails the statement instead (a direct load then stages the
 * day, which records it).
 */
export function goodRowsSql(select: string, { failOnBad = false } = {}): string {
  const guard = failOnBad ? ` OR error(${quoteLiteral(ROW_REJECTED_MARKER)})` : '';
  return `SELECT * EXCLUDE (__bad_column, __bad_reason, __row, __raw) FROM (${select}) WHERE __bad_reason IS NULL${guard}`;
}

export { declaredRows };

/**
 * The unit's scans: one per set of columns (usually one for the whole day) over the explicit
 * file list, mapping and checks in the same SELECT.
 */
export function planScans(ctx: StageContext, schema: UnitSchema): UnitScan[] {
  const { table } = ctx;
  const reader = readerFor(table.format);
  const partitionNames = new Set(table.partitionKeys.map((k) => k.name));
  const prefix = url(ctx.bucket, '');
  // CSV is read with the types the table's loads follow (unknown columns as text); NDJSON as JSON text; Parquet as written.
  const groups = scanGroups(ctx.unit.files, (file) => {
    const described = schema.columns.get(file.key) ?? [];
    return table.format === 'parquet' ? described : described.map((c) => ({ name: c.name, type: schema.readTypes.get(c.name) ?? 'VARCHAR' }));
  });
  const scans: UnitScan[] = [];
  for (const [index, group] of groups.entries()) {
    const readColumns = group.columns;
    const fileColumns = readColumns.map((c) => ({ name: c.name, type: reader.scannedType(c.type) }));
    // Partition values shared by every file are bound; values that differ come from a joined list of the files.
    const varying = table.partitionKeys.filter((k) => new Set(group.files.map((f) => f.partition.values[k.name])).size > 1);
    const partitionExpressions = Object.fromEntries(varying.map((k, i) => [k.name, `f.${quoteIdentifier(`p${i}`)}`]));
    const projection = buildProjection({
      mapping: ctx.mapping,
      fileColumns,
      dataColumns: schema.dataColumns.filter((c) => !partitionNames.has(c.name)),
      partitionKeys: table.partitionKeys,
      partitionValues: group.files[0]!.partition.values,
      partitionExpressions,
      day: ctx.unit.day,
    });
    // The reader's own verdict first: a line that is no row has no columns to check.
    const checks: RowCheck[] = [{ when: 's.__format_error IS NOT NULL', column: null, reason: { sql: 's.__format_error' } }];
    checks.push(...projection.missing.map((column) => ({
      when: 'TRUE',
      column,
      reason: `missing required column "${column}" (the file has ${fileColumns.slice(0, 10).map((c) => `"${excerptName(c.name)}"`).join(', ') || 'no columns'}${fileColumns.length > 10 ? ', ...' : ''})`,
    })));
    checks.push(...projection.checks);
    const rejectTables = { rejects: `reader_rejects_${index}`, scans: `reader_scans_${index}` };
    // Bound lists joined by URL: the scan needs no table of its own, so the warehouse can run it too.
    const fileValues = Object.fromEntries(varying.map((k, i) => [`f_p${i}`, listValue(group.files.map((f) => f.partition.values[k.name] ?? null))]));
    const join = varying.length === 0 ? '' : `LEFT JOIN (SELECT unnest($files) AS url, ${varying.map((_k, i) => `unnest($f_p${i}::VARCHAR[]) AS ${quoteIdentifier(`p${i}`)}`).join(', ')}) f
        ON f.url = s.${quoteIdentifier(FILE_COLUMN)}`;
    const lineage = lineageSelects({ connection: ctx.connection, table: table.name, day: ctx.unit.day, urlPrefix: prefix, loadId: ctx.loadId },
      `s.${quoteIdentifier(FILE_COLUMN)}`);
    const params = { ...projection.params, ...fileValues, ...lineage.params };
    const select = `SELECT ${projection.selects.join(', ')}, ${lineage.sql},
        ${caseOf(checks, (c) => c.column)} AS __bad_column, ${caseOf(checks, (c) => c.reason)} AS __bad_reason,
        -- Raw values only for bad rows: building them for every good row would cost more than the mapping.
        s.__row AS __row, CASE WHEN __bad_reason IS NOT NULL THEN ${reader.rawSql(fileColumns)} END AS __raw
      FROM ${reader.scanSql(readColumns, rejectTables)} s ${join}`;
    const urls = group.files.map((f) => url(ctx.bucket, f.key));
    scans.push({ select, params, urls, rejectTables, columns: readColumns.length });
  }
  return scans;
}

/** Bad rows numbered by the reader (NDJSON) get their line once the day has some: only the files that have them are read again. */
const MAX_NUMBERED_ROWS = 10_000;

async function numberBadLines(db: DuckDBConnection, reader: FormatReader, prefix: string): Promise<void> {
  if (!reader.locateLines) return;
  const bad = await queryRows<{ id: bigint; url: string; raw: string | null }>(db,
    `SELECT rowid AS id, $prefix || _source_key AS url, __raw AS raw FROM checked WHERE __bad_reason IS NOT NULL AND __row IS NULL ORDER BY rowid LIMIT ${MAX_NUMBERED_ROWS}`,
    { prefix });
  if (bad.length === 0) return;
  const lines = await reader.locateLines(db, bad.map((r) => ({ url: r.url, raw: r.raw ?? '' })));
  const found = bad.map((r, i) => ({ id: String(r.id), line: lines[i] })).filter((r): r is { id: string; line: number } => r.line != null);
  if (found.length === 0) return;
  await db.run(`UPDATE checked SET __row = v.line FROM (SELECT unnest($ids)::BIGINT AS id, unnest($lines)::BIGINT AS line) v WHERE checked.rowid = v.id`, {
    ids: listValue(found.map((r) => r.id)), lines: listValue(found.map((r) => String(r.line))),
  }, { ids: LIST(VARCHAR), lines: LIST(VARCHAR) });
}

/**
 * Maps and validates the unit's files into local Parquet files (good rows, rejected rows): the
 * unit's scans into one checked relation that both outputs are written from. Nothing reaches
 * the warehouse here: the caller commits the staged files in one transaction.
 */
export async function stageUnit(ctx: StageContext, schema: UnitSchema): Promise<StagedFiles> {
  const { db, table } = ctx;
  const reader = readerFor(table.format);
  const prefix = url(ctx.bucket, '');
  const scans = planScans(ctx, schema);
  const result: StagedFiles = { dataFiles: [], rejectFiles: [], rows: 0, rejectedRows: 0 };
  if (scans.length === 0) return result;
  if (table.format === 'parquet') {
    const fast = await stageWithoutRejects(ctx, scans);
    if (fast) return fast;
  }
  const structural: ReaderReject[] = [];
  let filesDone = 0;
  for (const [index, { select, params, urls, rejectTables, columns }] of scans.entries()) {
    await ctx.beforeScan?.();
    const run = (files: string[], into: string) => db.run(`${into} ${select}`, { ...params, files: listValue(files) }, FILES);
    await probing(db, urls, table.format,
      (files) => run(files, index === 0 ? 'CREATE TEMP TABLE checked AS' : 'INSERT INTO checked BY NAME'),
      async (file) => {
        ctx.onFile(filesDone, 0);
        try {
          await run([file], 'CREATE OR REPLACE TEMP TABLE probe AS');
        } finally {
          await db.run('DROP TABLE IF EXISTS probe');
        }
      });
    structural.push(...await reader.rejects(db, rejectTables, columns));
    filesDone += urls.length;
    ctx.onFile(filesDone, 0);
  }
  const [counts] = await queryRows<{ good: bigint; bad: bigint }>(db,
    'SELECT count(*) FILTER (__bad_reason IS NULL) AS good, count(*) FILTER (__bad_reason IS NOT NULL) AS bad FROM checked');
  const bad = Number(counts?.bad ?? 0) + structural.length;
  if (Number(counts?.bad ?? 0) > 0) await numberBadLines(db, reader, prefix);
  if (bad > 0 && ctx.errorPolicy === 'fail-day') throw await firstBadRow(db, table.format, structural, prefix, ctx.unit.files.map((f) => url(ctx.bucket, f.key)));
  const dataFile = path.join(ctx.stagingDir, 'data.parquet');
  await db.run(`COPY (SELECT * EXCLUDE (__bad_column, __bad_reason, __row, __raw) FROM checked WHERE __bad_reason IS NULL)
    TO ${quoteLiteral(dataFile)} (FORMAT parquet)`);
  result.dataFiles.push(dataFile);
  result.rows = Number(counts?.good ?? 0);
  if (bad > 0) {
    const rejectFile = path.join(ctx.stagingDir, 'rejects.parquet');
    await db.run('DROP TABLE IF EXISTS bad_rows');
    await db.run(`CREATE TEMP TABLE bad_rows AS
      SELECT _source_key AS source_key, __row AS row_number, __bad_column AS column_name, __bad_reason AS reason, __raw AS raw
      FROM checked WHERE __bad_reason IS NOT NULL`);
    if (structural.length > 0) {
      await db.run(`INSERT INTO bad_rows SELECT unnest($keys), unnest($lines)::BIGINT, unnest($columns), unnest($reasons), unnest($raws)`, {
        keys: listValue(structural.map((r) => r.url.slice(prefix.length))),
        lines: listValue(structural.map((r) => (r.line === null ? null : String(r.line)))),
        columns: listValue(structural.map((r) => r.column)),
        reasons: listValue(structural.map((r) => r.reason)),
        raws: listValue(structural.map((r) => r.raw)),
      }, { keys: LIST(VARCHAR), lines: LIST(VARCHAR), columns: LIST(VARCHAR), reasons: LIST(VARCHAR), raws: LIST(VARCHAR) });
    }
    await db.run(`COPY bad_rows TO ${quoteLiteral(rejectFile)} (FORMAT parquet)`);
    result.rejectFiles.push(rejectFile);
    result.rejectedRows = bad;
  }
  ctx.onFile(filesDone, result.rows);
  await db.run('DROP TABLE IF EXISTS checked');
  await db.run('DROP TABLE IF EXISTS bad_rows');
  return result;
}

/** The bad column's value in a rejected row's raw values (JSON), or the raw text when not JSON. */
function badValue(raw: string | null, column: string): unknown {
  try {
    return (JSON.parse(raw ?? '{}') as Record<string, unknown>)[column] ?? null;
  } catch {
    return raw;
  }
}

const FIX = 'fix the file, or import with errorPolicy "skip-to-rejects" to load the good rows and keep the bad ones in s3bridge.rejects';

/** The fail-day error: the first bad file in listing order, its row or line, the column, an excerpt of the value, and what to do. */
async function firstBadRow(db: DuckDBConnection, format: string, structural: ReaderReject[], prefix: string, urls: string[]) {
  const reader = await db.runAndReadAll(`SELECT $prefix || _source_key AS url, __row AS row, __bad_column AS col, __bad_reason AS reason, __raw AS raw
    FROM checked WHERE __bad_reason IS NOT NULL ORDER BY list_position($files, $prefix || _source_key), __row NULLS LAST LIMIT 1`,
  { prefix, files: listValue(urls) }, FILES);
  const [row] = reader.getRowObjectsJS() as { url: string; row: bigint | null; col: string | null; reason: string; raw: string }[];
  const order = (fileUrl: string) => { const at = urls.indexOf(fileUrl); return at < 0 ? Number.MAX_SAFE_INTEGER : at; };
  const lineOf = (r: ReaderReject) => r.line ?? Number.MAX_SAFE_INTEGER;
  let first: ReaderReject | undefined;
  for (const r of structural) if (!first || order(r.url) < order(first.url) || (r.url === first.url && lineOf(r) < lineOf(first))) first = r;
  if (first && (!row || order(first.url) < order(row.url) || (first.url === row.url && (row.row === null || lineOf(first) <= Number(row.row))))) {
    const where = first.line === null ? '' : ` line ${first.line}`;
    return badData(`${first.url}${where}${first.column ? `, column "${excerptName(first.column)}"` : ''}: ${scrubValues(first.reason)}; ${FIX}`);
  }
  if (!row) return badData(`bad rows; ${FIX}`);
  const where = row.row !== null ? ` ${format === 'parquet' ? 'row' : 'line'} ${row.row}` : '';
  // A row the reader could not use is named by its line alone; a bad value by its column and an excerpt of the value
  // (the row's other values stay in the warehouse's rejects).
  if (row.col === null) return badData(`${row.url}${where}: ${row.reason}; ${FIX}`);
  return badData(`${row.url}${where}, column "${excerptName(row.col)}": ${row.reason} (value "${excerpt(badValue(row.raw, row.col))}"); ${FIX}`);
}
