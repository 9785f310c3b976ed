import type { ColumnSchema, FileFormat, PartitionKey } from '../catalog/discovered-table';
import { MAX_NAMED_FILES, nameFew, type DiscoveryProblem } from './discovery-problem';
import { widenType } from '../type-rule';
import { FORMATS } from '../formats/file-format';

/** One sampled file's columns as DuckDB read them. */
export interface FileColumns {
  key: string;
  columns: ColumnSchema[];
}

/**
 * Unions sampled files' columns by name (first seen first, files in key order), widens types
 * the files disagree on, and appends the partition columns. Each disagreement is reported
 * with the files on each side.
 */
export function mergeColumns(files: FileColumns[], partitionKeys: PartitionKey[], format: FileFormat = 'parquet'): { columns: ColumnSchema[]; problems: DiscoveryProblem[] } {
  // NDJSON keys whose values differ in JSON kind across files meet in JSON, keeping each value's text.
  const fallback = FORMATS[format].family === 'ndjson' ? 'JSON' : 'VARCHAR';
  const order: string[] = [];
  const typesByColumn = new Map<string, Map<string, string[]>>();
  for (const file of [...files].sort((a, b) => a.key.localeCompare(b.key))) {
    for (const column of file.columns) {
      let types = typesByColumn.get(column.name);
      if (!types) {
        types = new Map();
        typesByColumn.set(column.name, types);
        order.push(column.name);
      }
      types.set(column.type, [...(types.get(column.type) ?? []), file.key]);
    }
  }
  const problems: DiscoveryProblem[] = [];
  const partitionNames = new Set(partitionKeys.map((k) => k.name.toLowerCase()));
  const columns: ColumnSchema[] = [];
  for (const name of order) {
    const types = typesByColumn.get(name)!;
    const type = [...types.keys()].reduce((a, b) => widenType(a, b, fallback));
    if (types.size > 1) {
      const keys = [...types.values()].flat();
      const sides = [...types.entries()].map(([t, k]) => `${t} in ${nameFew(k)}`).join('; ');
      problems.push({
        kind: 'type-conflict',
        message: `column "${name}" has different types: ${sides}; read as ${type}`,
        files: keys.slice(0, MAX_NAMED_FILES),
        fileCount: keys.length,
      });
    }
    if (partitionNames.has(name.toLowerCase())) {
      problems.push({
        kind: 'inconsistent-partitions',
        message: `column "${name}" is both in the files and a partition folder: one column, whose file values must equal the folder's (rows where they differ are bad rows at import)`,
      });
      continue;
    }
    columns.push({ name, type });
  }
  return { columns: [...columns, ...partitionKeys.map((k) => ({ name: k.name, type: k.type }))], problems };
}
