import { rmSync } from 'node:fs';
import path from 'node:path';
import { LIST, listValue, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../duckdb/query-rows';
import { quoteLiteral } from '../duckdb/sql';
import { badData } from '../formats/read-failure';
import { excerpt, excerptName, scrubValues } from '../workflow-safe/excerpt';
import { readerFor, type FormatReader, type ReaderReject } from '../formats';
import { declaredRows } from '../formats/parquet';
import { goodRowsSql, planScans, WITHOUT_CHECKS, type UnitScan, type UnitSchema } from './plan-scans';
import { probing, unitUrls, type StageContext } from './stage-context';

export interface StagedFiles {
  dataFiles: string[];
  rejectFiles: string[];
  rows: number;
  rejectedRows: number;
}

const FILES = { files: LIST(VARCHAR) };

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

/** Bad rows numbered by the reader (NDJSON) get their line once the day has some: only the files that have them are read again. */
const MAX_NUMBERED_ROWS = 10_000;

async function numberBadLines(db: DuckDBConnection, reader: FormatReader): Promise<void> {
  if (!reader.locateLines) return;
  const bad = await queryRows<{ id: bigint; url: string; raw: string | null }>(db,
    `SELECT rowid AS id, __file AS url, __raw AS raw FROM checked WHERE __bad_reason IS NOT NULL AND __row IS NULL ORDER BY rowid LIMIT ${MAX_NUMBERED_ROWS}`);
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
  const prefix = ctx.urlPrefix;
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
  if (Number(counts?.bad ?? 0) > 0) await numberBadLines(db, reader);
  if (bad > 0 && ctx.errorPolicy === 'fail-day') throw await firstBadRow(db, table.format, structural, unitUrls(ctx));
  const dataFile = path.join(ctx.stagingDir, 'data.parquet');
  await db.run(`COPY (SELECT ${WITHOUT_CHECKS} FROM checked WHERE __bad_reason IS NULL)
    TO ${quoteLiteral(dataFile)} (FORMAT parquet)`);
  result.dataFiles.push(dataFile);
  result.rows = Number(counts?.good ?? 0);
  if (bad > 0) {
    const rejectFile = path.join(ctx.stagingDir, 'rejects.parquet');
    await db.run('DROP TABLE IF EXISTS bad_rows');
    await db.run(`CREATE TEMP TABLE bad_rows AS
      SELECT substr(__file, $prefixLength + 1) AS source_key, __row AS row_number, __bad_column AS column_name, __bad_reason AS reason, __raw AS raw
      FROM checked WHERE __bad_reason IS NOT NULL`, { prefixLength: prefix.length });
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
async function firstBadRow(db: DuckDBConnection, format: string, structural: ReaderReject[], urls: string[]) {
  const reader = await db.runAndReadAll(`SELECT __file AS url, __row AS row, __bad_column AS col, __bad_reason AS reason, __raw AS raw
    FROM checked WHERE __bad_reason IS NOT NULL ORDER BY list_position($files, __file), __row NULLS LAST LIMIT 1`,
  { files: listValue(urls) }, FILES);
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
