/**
 * Names s3bridge gives its own columns in every warehouse table, and the rule for a file column
 * that would take one of them. Pure: discovery (the catalog's columns) and import (the scan)
 * apply the same rule.
 */

/** The lineage columns every imported row carries (src/import/lineage.ts produces them). */
export const LINEAGE_COLUMN_NAMES = ['_day', '_file_id'] as const;

/**
 * Names no file column may take: the lineage columns, and those the lineage views add to them
 * (`lineage.<table>` joins each row's file back: the columns every row carried before).
 */
const RESERVED_COLUMN_NAMES: readonly string[] = [...LINEAGE_COLUMN_NAMES, '_connection', '_table', '_source_key', '_load_id'];

/** What a file column named like a reserved one is renamed by: `_day` loads as `_day__source`. */
const RENAMED_SUFFIX = '__source';

const RESERVED = new RegExp(`^(${RESERVED_COLUMN_NAMES.join('|')})(${RENAMED_SUFFIX})*$`, 'i');

/**
 * The warehouse name of a file column. A name that is reserved (case-insensitively: DuckDB's
 * names are), or is a reserved name already renamed (`_day__source`, from a raw table exported
 * and imported again), gets `__source` appended, so a file holding `_day` and `_day__source`
 * loads them as `_day__source` and `_day__source__source`: nothing is overwritten, s3bridge's
 * own columns stay its own, and every step of an export/import chain keeps its values apart.
 */
export function tableColumnName(fileColumn: string): string {
  return RESERVED.test(fileColumn) ? `${fileColumn}${RENAMED_SUFFIX}` : fileColumn;
}

/** The file column a warehouse column reads (tableColumnName's inverse). */
export function fileColumnName(tableColumn: string): string {
  return RESERVED.test(tableColumn) && tableColumn.toLowerCase().endsWith(RENAMED_SUFFIX)
    ? tableColumn.slice(0, -RENAMED_SUFFIX.length)
    : tableColumn;
}

/**
 * Column names from a file's own (a CSV header, an NDJSON file's keys): an empty name is
 * `column<i>` (0-based, as DuckDB names it), a repeated name (case-insensitively: DuckDB's
 * names are) gets `_1`, `_2`..., then s3bridge's reserved names are renamed (tableColumnName).
 */
export function uniqueColumnNames(raw: string[]): string[] {
  const seen = new Map<string, number>();
  const taken = new Set<string>();
  return raw.map((value, i) => {
    const base = value === '' ? `column${i}` : value;
    let name = base;
    let count = seen.get(base.toLowerCase()) ?? 0;
    while (taken.has(name.toLowerCase())) name = `${base}_${++count}`;
    seen.set(base.toLowerCase(), count);
    taken.add(name.toLowerCase());
    return tableColumnName(name);
  });
}
