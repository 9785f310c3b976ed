import { nameHash } from './names/name-hash';

/**
 * Every workflow and Schedule ID s3bridge uses, built (and parsed) here alone. IDs carry
 * business meaning, so one job of one thing never runs twice at once: `import-<connection>-
 * <table>` for a table's import, `-<day>` after it for one day, `export-<destination>-<source
 * id>`, `migrate-destination-<from>-<to>`... `prefix` is a deployment's or a test's namespace
 * inside the Temporal namespace ('' by default). Runs that may overlap (a smoke test, a query)
 * end in a random suffix the caller passes.
 */

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
 * A table's import: `import-<connection>-<table>`, so `tables approve-drift` finds every import
 * of a table by prefix. A table name that could make two tables' IDs equal (`a-b`/`c` and
 * `a`/`b-c`) gets `~<hash of connection and table>`.
 */
export function importWorkflowId(connection: string, table: string, prefix = ''): string {
  const id = `import-${connection}-${table}`;
  return `${prefix}${plainTable(table) ? id : `${id}~${nameHash(connection, table)}`}`;
}

/** One day (unit) of a table's import: two runs of one table share day IDs and never load the same day at once. */
export function dayWorkflowId(connection: string, table: string, unit: string, prefix = ''): string {
  return `${importWorkflowId(connection, table, prefix)}-${unit}`;
}

/** The unit (day, or "all") of a day's workflow ID, whatever prefix it carries; undefined for another table's or a table's own import. */
export function unitOfDayWorkflowId(workflowId: string, connection: string, table: string): string | undefined {
  const marker = `${importWorkflowId(connection, table)}-`;
  const at = workflowId.lastIndexOf(marker);
  if (at < 0) return undefined;
  const unit = workflowId.slice(at + marker.length);
  return /^\d{4}-\d{2}-\d{2}$/.test(unit) || unit === WHOLE_TABLE_UNIT ? unit : undefined;
}

/**
 * The prefix of an import run's own ID: whatever precedes `import-<connection>-<table>` (a
 * deployment's or a test's prefix). What follows it (a Schedule's timestamp) is not part of it.
 */
export function importIdPrefix(workflowId: string, connection: string, table: string): string {
  const at = workflowId.indexOf(importWorkflowId(connection, table));
  return at > 0 ? workflowId.slice(0, at) : '';
}

/** A connection's validation (and its re-validation Schedule): one validation per connection at a time. */
export function validationWorkflowId(connection: string, prefix = ''): string {
  return `${prefix}validate-connection-${connection}`;
}

/** A connection's discovery: one at a time per connection. */
export function discoveryWorkflowId(connection: string, prefix = ''): string {
  return `${prefix}discover-schema-${connection}`;
}

/** The Schedule that re-runs a connection's discovery. */
export function resyncScheduleId(connection: string, prefix = ''): string {
  return `${prefix}resync-${connection}`;
}

/** An export stream: a destination and the source ID it writes under. */
export function exportWorkflowId(destination: string, sourceId: string, prefix = ''): string {
  return `${prefix}export-${destination}-${sourceId}`;
}

/** A destination migration: one at a time per pair. */
export function migrationWorkflowId(from: string, to: string, prefix = ''): string {
  return `${prefix}migrate-destination-${from}-${to}`;
}

/** Runs that may overlap end in a caller's random suffix. */
export function checkSetupWorkflowId(connection: string, suffix: string, prefix = ''): string {
  return `${prefix}check-setup-${connection}-${suffix}`;
}

export function approveDriftWorkflowId(connection: string, table: string, suffix: string, prefix = ''): string {
  return `${prefix}approve-drift-${connection}-${table}-${suffix}`;
}

export function queryWorkflowId(suffix: string, prefix = ''): string {
  return `${prefix}sql-${suffix}`;
}

export function resetTableWorkflowId(connection: string, table: string, suffix: string, prefix = ''): string {
  return `${prefix}reset-table-${connection}-${table}-${suffix}`;
}

export function removeConnectionWorkflowId(connection: string, suffix: string, prefix = ''): string {
  return `${prefix}remove-connection-${connection}-${suffix}`;
}
