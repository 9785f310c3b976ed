import type { ColumnSchema } from '../workflow-safe/catalog/discovered-table';
import { fitsType, widenType } from '../workflow-safe/type-rule';
import { excerptName } from '../workflow-safe/excerpt';

/** How a day's files differ from the schema the table's loads follow. */
export interface SchemaDrift {
  added: ColumnSchema[];
  changed: { column: string; from: string; to: string }[];
  /** The keys of the files that carry the change (first few). */
  files: string[];
}

export function hasDrift(drift: SchemaDrift): boolean {
  return drift.added.length > 0 || drift.changed.length > 0;
}

/**
 * Compares one file's columns with the reference. Text formats (CSV, NDJSON) have no declared
 * types, so only new columns count (with the type the reader gives them: CSV text, NDJSON's
 * inferred from the file); a value that does not convert is a bad row, not drift. Parquet
 * types count when they do not fit the reference (the type rule's fitsType).
 */
export function addFileDrift(drift: SchemaDrift, reference: ColumnSchema[], file: { key: string; columns: ColumnSchema[] }, typed: boolean): void {
  const known = new Map(reference.map((c) => [c.name, c.type]));
  let found = false;
  for (const column of file.columns) {
    const type = known.get(column.name);
    if (type === undefined) {
      if (!drift.added.some((c) => c.name === column.name)) drift.added.push({ name: column.name, type: column.type });
      found = true;
    } else if (typed && !fitsType(column.type, type) && !drift.changed.some((c) => c.column === column.name && c.to === column.type)) {
      drift.changed.push({ column: column.name, from: type, to: column.type });
      found = true;
    }
  }
  if (found && drift.files.length < 5) drift.files.push(file.key);
}

/** The reference after accepting the drift: new columns appended, changed ones widened. */
export function evolvedColumns(reference: ColumnSchema[], drift: SchemaDrift): ColumnSchema[] {
  const columns = reference.map((c) => {
    const changes = drift.changed.filter((d) => d.column === c.name);
    return { name: c.name, type: changes.reduce((type, d) => widenType(type, d.to), c.type) };
  });
  return [...columns, ...drift.added];
}

/** One line per change, as shown in a failed or waiting day. */
export function describeDrift(drift: SchemaDrift): string {
  const parts = [
    // Column names come from the files (a CSV without a header names its columns after its first row).
    ...drift.added.map((c) => `new column "${excerptName(c.name)}" ${c.type}`),
    ...drift.changed.map((c) => `column "${excerptName(c.column)}" changed from ${c.from} to ${c.to}`),
  ];
  return `${parts.join('; ')} (in ${drift.files.join(', ')})`;
}

/** The drift as carried in a failure's details (history): column names as excerpts, like the message. */
export function driftExcerpt(drift: SchemaDrift): SchemaDrift {
  return {
    added: drift.added.map((c) => ({ ...c, name: excerptName(c.name) })),
    changed: drift.changed.map((c) => ({ ...c, column: excerptName(c.column) })),
    files: drift.files,
  };
}
