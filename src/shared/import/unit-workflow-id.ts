/**
 * Workflow IDs carry business meaning: `import-<connection>-<table>` for a table's import and
 * `import-<connection>-<table>-<day>` for one day, so one day never runs twice at once and
 * `tables approve-drift` finds every import of a table by prefix.
 */
export function importWorkflowId(connection: string, table: string): string {
  return `import-${connection}-${table}`;
}

export function dayWorkflowId(connection: string, table: string, unit: string): string {
  return `${importWorkflowId(connection, table)}-${unit}`;
}

/** The unit of a table without a day partition: the whole table, loaded and replaced as one. */
export const WHOLE_TABLE_UNIT = 'all';
