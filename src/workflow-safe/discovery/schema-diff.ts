import type { ColumnSchema, DiscoveredTable } from '../catalog/discovered-table';

interface TypeChange {
  column: string;
  from: string;
  to: string;
}

export interface TableDiff {
  name: string;
  columnsAdded: ColumnSchema[];
  columnsRemoved: ColumnSchema[];
  typeChanges: TypeChange[];
  /** Partition values not seen by the previous discovery, per key. */
  newPartitionValues: { key: string; values: string[] }[];
  formatChange?: { from: string; to: string };
}

/** What a resync found changed since the previous discovery of the connection. */
export interface CatalogDiff {
  tablesAdded: string[];
  tablesRemoved: string[];
  /** Tables present before and after whose schema, format or partitions changed. */
  tablesChanged: TableDiff[];
}

/** A schema change an import must not follow unreviewed: columns or types, or the file format. */
export function isSchemaChange(diff: TableDiff): boolean {
  return diff.columnsAdded.length > 0 || diff.columnsRemoved.length > 0 || diff.typeChanges.length > 0 || diff.formatChange !== undefined;
}

export function diffTable(before: DiscoveredTable, after: DiscoveredTable): TableDiff | undefined {
  const beforeColumns = new Map(before.columns.map((c) => [c.name, c.type]));
  const afterColumns = new Map(after.columns.map((c) => [c.name, c.type]));
  const diff: TableDiff = {
    name: after.name,
    columnsAdded: after.columns.filter((c) => !beforeColumns.has(c.name)),
    columnsRemoved: before.columns.filter((c) => !afterColumns.has(c.name)),
    typeChanges: after.columns
      .filter((c) => beforeColumns.has(c.name) && beforeColumns.get(c.name) !== c.type)
      .map((c) => ({ column: c.name, from: beforeColumns.get(c.name)!, to: c.type })),
    newPartitionValues: after.partitionKeys.flatMap((key) => {
      const seen = new Set(before.partitionKeys.find((k) => k.name === key.name)?.values ?? []);
      const values = key.values.filter((v) => !seen.has(v));
      return values.length > 0 ? [{ key: key.name, values }] : [];
    }),
    ...(before.format !== after.format ? { formatChange: { from: before.format, to: after.format } } : {}),
  };
  const changed = isSchemaChange(diff) || diff.newPartitionValues.length > 0;
  return changed ? diff : undefined;
}

/** The diff between two discoveries of one connection (tables matched by name). */
export function diffCatalog(before: DiscoveredTable[], after: DiscoveredTable[]): CatalogDiff {
  const beforeByName = new Map(before.map((t) => [t.name, t]));
  const afterNames = new Set(after.map((t) => t.name));
  return {
    tablesAdded: after.filter((t) => !beforeByName.has(t.name)).map((t) => t.name).sort(),
    tablesRemoved: before.filter((t) => !afterNames.has(t.name)).map((t) => t.name).sort(),
    tablesChanged: after
      .flatMap((t) => {
        const previous = beforeByName.get(t.name);
        const diff = previous ? diffTable(previous, t) : undefined;
        return diff ? [diff] : [];
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
