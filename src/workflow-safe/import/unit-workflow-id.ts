import { nameHash } from '../names/name-hash';

/** The unit of a table without a day partition: the whole table, loaded and replaced as one. */
export const WHOLE_TABLE_UNIT = 'all';

/**
 * A table name that cannot be confused in `import-<connection>-<table>`: no `-` (so the last
 * `-` ends the connection's name), not all digits and not "all" (so it never reads as a day's
 * or the whole-table unit's suffix).
 */
function plainTable(table: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(table) && !/^\d+$/.test(table) && table !== WHOLE_TABLE_UNIT;
}

/**
 * Workflow IDs carry business meaning: `import-<connection>-<table>` for a table's import and
 * `import-<connection>-<table>-<day>` for one day, so one day never runs twice at once and
 * `tables approve-drift` finds every import of a table by prefix. A table name that could
 * make two tables' IDs equal (`a-b`/`c` and `a`/`b-c`) gets `~<hash of connection and table>`.
 */
export function importWorkflowId(connection: string, table: string): string {
  const id = `import-${connection}-${table}`;
  return plainTable(table) ? id : `${id}~${nameHash(connection, table)}`;
}

export function dayWorkflowId(connection: string, table: string, unit: string): string {
  return `${importWorkflowId(connection, table)}-${unit}`;
}
