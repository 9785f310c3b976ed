import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnSchema, DiscoveredTable } from '../shared/catalog/discovered-table';
import type { ErrorPolicy } from '../shared/import/import-input';
import type { ImportMapping } from '../shared/import/mapping';
import { queryRows } from '../duckdb/query-rows';
import { s3ObjectUrl } from '../duckdb/s3-session';
import { quoteLiteral } from '../duckdb/sql';
import { badData, readFailure } from './import-errors';
import type { UnitFiles } from './list-table-files';
import { buildProjection, type RowCheck } from './projection';
import { csvRejects, describeFile, isTextFormat, loadFile, rawValuesJson } from './read-source-file';
import { addFileDrift, type SchemaDrift } from './schema-drift';

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
  /** Called before each file is read (fresh credentials for DuckDB's secret). */
  beforeFile?(): Promise<void>;
  /** Called between files; throws to stop (cancellation). */
  onFile(filesDone: number, rows: number): void;
}

export interface StagedFiles {
  dataFiles: string[];
  rejectFiles: string[];
  rows: number;
  rejectedRows: number;
}

const url = s3ObjectUrl;

/** Reads each file's columns (footer, header or sample) and the drift against the reference schema. */
export async function describeUnit(ctx: Pick<StageContext, 'db' | 'bucket' | 'table' | 'unit'>, reference: ColumnSchema[]) {
  const columns = new Map<string, ColumnSchema[]>();
  const drift: SchemaDrift = { added: [], changed: [], files: [] };
  const typed = !isTextFormat(ctx.table.format);
  // A file column named like a partition key (a `date` column in Statsig's day folders) is the
  // partition's own value repeated: the folder's value is used, as discovery says, so it is not drift.
  const partitionNames = new Set(ctx.table.partitionKeys.map((k) => k.name));
  for (const file of ctx.unit.files) {
    const fileUrl = url(ctx.bucket, file.key);
    const fileColumns = await describeFile(ctx.db, fileUrl, ctx.table.format).catch((error: unknown) => {
      throw readFailure(error, fileUrl, ctx.table.format);
    });
    columns.set(file.key, fileColumns);
    addFileDrift(drift, reference, { key: file.key, columns: fileColumns.filter((c) => !partitionNames.has(c.name)) }, typed);
  }
  return { columns, drift };
}

function caseOf(checks: RowCheck[], pick: (c: RowCheck) => string): string {
  if (checks.length === 0) return 'NULL::VARCHAR';
  return `CASE ${checks.map((c) => `WHEN ${c.when} THEN ${quoteLiteral(pick(c))}`).join(' ')} END`;
}

/**
 * Maps and validates each file of the unit into local Parquet files (good rows, rejected rows).
 * Nothing reaches the warehouse here: the caller commits the staged files in one transaction.
 */
export async function stageUnit(ctx: StageContext, schema: { columns: Map<string, ColumnSchema[]>; dataColumns: ColumnSchema[]; readTypes: Map<string, string> }): Promise<StagedFiles> {
  const { db, table } = ctx;
  const result: StagedFiles = { dataFiles: [], rejectFiles: [], rows: 0, rejectedRows: 0 };
  const partitionNames = new Set(table.partitionKeys.map((k) => k.name));
  for (const [index, file] of ctx.unit.files.entries()) {
    await ctx.beforeFile?.();
    const fileUrl = url(ctx.bucket, file.key);
    const described = schema.columns.get(file.key) ?? [];
    // Text formats are read with the types the table's loads follow; unknown columns as text.
    const fileColumns = table.format === 'parquet'
      ? described
      : described.map((c) => ({ name: c.name, type: (table.format.startsWith('csv') && schema.readTypes.get(c.name)) || 'VARCHAR' }));
    await loadFile(db, fileUrl, table.format, fileColumns).catch((error: unknown) => {
      throw readFailure(error, fileUrl, table.format);
    });
    const projection = buildProjection({
      mapping: ctx.mapping,
      fileColumns,
      dataColumns: schema.dataColumns.filter((c) => !partitionNames.has(c.name)),
      partitionKeys: table.partitionKeys,
      partitionValues: file.partition.values,
      day: ctx.unit.day,
    });
    const checks: RowCheck[] = projection.missing.map((column) => ({
      when: 'TRUE',
      column,
      reason: `missing required column "${column}" (the file has ${fileColumns.map((c) => `"${c.name}"`).join(', ') || 'no columns'})`,
    }));
    checks.push(...projection.checks);
    const params = {
      ...projection.params,
      l_connection: ctx.connection, l_table: table.name, l_day: ctx.unit.day, l_key: file.key, l_load: ctx.loadId,
    };
    await db.run('DROP TABLE IF EXISTS checked');
    await db.run(`CREATE TEMP TABLE checked AS SELECT ${projection.selects.join(', ')},
        $l_connection AS _connection, $l_table AS _table, $l_day::DATE AS _day, $l_key AS _source_key, $l_load AS _load_id,
        ${caseOf(checks, (c) => c.column)} AS __bad_column, ${caseOf(checks, (c) => c.reason)} AS __bad_reason,
        -- Raw values only for bad rows: building JSON for every good row would cost more than the mapping.
        s.__row AS __row, CASE WHEN __bad_column IS NOT NULL THEN ${rawValuesJson(fileColumns)} END AS __raw
      FROM s`, params);
    const [counts] = await queryRows<{ good: bigint; bad: bigint }>(db,
      'SELECT count(*) FILTER (__bad_column IS NULL) AS good, count(*) FILTER (__bad_column IS NOT NULL) AS bad FROM checked');
    const structural = await csvRejects(db, table.format);
    const bad = Number(counts?.bad ?? 0) + structural.length;
    if (bad > 0 && ctx.errorPolicy === 'fail-day') throw await firstBadRow(db, fileUrl, structural);
    const dataFile = path.join(ctx.stagingDir, `data-${index}.parquet`);
    await db.run(`COPY (SELECT * EXCLUDE (__bad_column, __bad_reason, __row, __raw) FROM checked WHERE __bad_column IS NULL)
      TO ${quoteLiteral(dataFile)} (FORMAT parquet)`);
    result.dataFiles.push(dataFile);
    result.rows += Number(counts?.good ?? 0);
    if (bad > 0) {
      const rejectFile = path.join(ctx.stagingDir, `rejects-${index}.parquet`);
      const csvPart = structural.length > 0
        ? 'UNION ALL SELECT $key, line::BIGINT, column_name, error_message, csv_line FROM csv_rejects'
        : '';
      await db.run('DROP TABLE IF EXISTS bad_rows');
      await db.run(`CREATE TEMP TABLE bad_rows AS
        SELECT _source_key AS source_key, __row AS row_number, __bad_column AS column_name, __bad_reason AS reason, __raw AS raw
        FROM checked WHERE __bad_column IS NOT NULL ${csvPart}`, structural.length > 0 ? { key: file.key } : undefined);
      await db.run(`COPY bad_rows TO ${quoteLiteral(rejectFile)} (FORMAT parquet)`);
      result.rejectFiles.push(rejectFile);
      result.rejectedRows += bad;
    }
    ctx.onFile(index + 1, result.rows);
  }
  await db.run('DROP TABLE IF EXISTS checked');
  await db.run('DROP TABLE IF EXISTS bad_rows');
  await db.run('DROP TABLE IF EXISTS s');
  return result;
}

/** The fail-day error: the key, the row or line, the column, and what to do. */
async function firstBadRow(db: DuckDBConnection, fileUrl: string, structural: { line: number; column: string | null; reason: string }[]) {
  const fix = 'fix the file, or import with errorPolicy "skip-to-rejects" to load the good rows and keep the bad ones in s3bridge.rejects';
  const [row] = await queryRows<{ row: bigint | null; col: string; reason: string; raw: string }>(db,
    'SELECT __row AS row, __bad_column AS col, __bad_reason AS reason, __raw AS raw FROM checked WHERE __bad_column IS NOT NULL ORDER BY __row NULLS LAST LIMIT 1');
  const csv = structural[0];
  if (csv && (!row || row.row === null || csv.line <= Number(row.row))) {
    return badData(`${fileUrl} line ${csv.line}${csv.column ? `, column "${csv.column}"` : ''}: ${csv.reason}; ${fix}`);
  }
  if (!row) return badData(`${fileUrl}: bad rows; ${fix}`);
  const where = row.row !== null ? ` row ${row.row}` : '';
  return badData(`${fileUrl}${where}, column "${row.col}": ${row.reason} (values ${row.raw}); ${fix}`);
}
