import { listValue, type DuckDBValue } from '@duckdb/node-api';
import type { ColumnSchema } from '../workflow-safe/catalog/discovered-table';
import { checkedType } from '../workflow-safe/type-rule';
import { quoteIdentifier, quoteLiteral } from '../duckdb/sql';
import { excerptName } from '../workflow-safe/excerpt';
import { FILE_COLUMN, readerFor, type RejectTables } from '../formats';
import { LINEAGE_COLUMNS, targetLabel, targetTable } from '../warehouse/target-table';
import type { UnitFiles } from './list-table-files';
import { buildProjection, type RowCheck } from './projection';
import { lineageSelects } from './lineage';
import type { StageContext } from './stage-context';

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
  return `SELECT ${WITHOUT_CHECKS} FROM (${select}) WHERE __bad_reason IS NULL${guard}`;
}

/**
 * A scan's row without the columns that check it: `__bad_column`, `__bad_reason`, `__row` (its
 * row or line), `__raw` (a bad row's values) and `__file` (its file's URL, for rejects).
 */
export const WITHOUT_CHECKS = '* EXCLUDE (__bad_column, __bad_reason, __row, __raw, __file)';

/**
 * The columns every scan of the unit produces, in order: for a raw target the data columns as
 * the table's loads follow them, the partition columns, then the lineage; canonical targets
 * have fixed columns (none here). The commit creates or evolves the target from these: the
 * rows are described once, where they are planned.
 */
export function scanColumns(ctx: Pick<StageContext, 'table' | 'mapping'>, schema: Pick<UnitSchema, 'dataColumns'>): ColumnSchema[] {
  if (ctx.mapping.mode !== 'raw') return [];
  const partitionNames = new Set(ctx.table.partitionKeys.map((k) => k.name));
  return [
    ...schema.dataColumns.filter((c) => !partitionNames.has(c.name)).map((c) => ({ name: c.name, type: checkedType(c.type, `column "${c.name}"`) })),
    ...ctx.table.partitionKeys.map((k) => ({ name: k.name, type: checkedType(k.type, `partition key "${k.name}"`) })),
    ...LINEAGE_COLUMNS.map((c) => ({ name: c.name, type: c.type })),
  ];
}

/**
 * The unit's scans: one per set of columns (usually one for the whole day) over the explicit
 * file list, mapping and checks in the same SELECT.
 */
export function planScans(ctx: StageContext, schema: UnitSchema): UnitScan[] {
  const { table } = ctx;
  const reader = readerFor(table.format);
  const partitionNames = new Set(table.partitionKeys.map((k) => k.name));
  // CSV is read with the types the table's loads follow (unknown columns as text); NDJSON as JSON text; Parquet as written.
  const groups = scanGroups(ctx.unit.files, (file) => {
    const described = schema.columns.get(file.key) ?? [];
    return table.format === 'parquet' ? described : described.map((c) => ({ ...c, type: schema.readTypes.get(c.name) ?? 'VARCHAR' }));
  });
  const scans: UnitScan[] = [];
  for (const [index, group] of groups.entries()) {
    const readColumns = group.columns;
    const fileColumns = readColumns.map((c) => ({ ...c, type: reader.scannedType(c.type) }));
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
    const target = targetLabel(targetTable(ctx.connection, table.name, ctx.mapping));
    const lineage = lineageSelects({ day: ctx.unit.day, loadId: ctx.loadId, target }, `s.${quoteIdentifier(FILE_COLUMN)}`);
    const params = { ...projection.params, ...fileValues, ...lineage.params };
    const select = `SELECT ${projection.selects.join(', ')}, ${lineage.sql},
        ${caseOf(checks, (c) => c.column)} AS __bad_column, ${caseOf(checks, (c) => c.reason)} AS __bad_reason,
        -- Raw values only for bad rows: building them for every good row would cost more than the mapping.
        s.__row AS __row, CASE WHEN __bad_reason IS NOT NULL THEN ${reader.rawSql(fileColumns)} END AS __raw,
        s.${quoteIdentifier(FILE_COLUMN)} AS __file
      FROM ${reader.scanSql(readColumns, rejectTables)} s ${join}`;
    const urls = group.files.map((f) => ctx.urlPrefix + f.key);
    scans.push({ select, params, urls, rejectTables, columns: readColumns.length });
  }
  return scans;
}

