import { ApplicationFailure } from '@temporalio/common';
import type { DiscoveredTable } from '../workflow-safe/catalog/discovered-table';
import { WHOLE_TABLE_UNIT } from '../workflow-safe/workflow-ids';
import { UNIT_SCHEME_CHANGED } from '../workflow-safe/failure-types';

export const WHOLE_TABLE_SCHEME = 'whole-table';

/**
 * How a table is cut into units: one per day of its day key (`day:<key>`), or one unit for the
 * whole table. Recorded with every ledger entry: loads of two schemes must never stack up
 * (a whole-table load over day loads would hold every row twice).
 */
export function unitScheme(table: Pick<DiscoveredTable, 'dayKey'>): string {
  return table.dayKey ? `day:${table.dayKey}` : WHOLE_TABLE_SCHEME;
}

/** A ledger entry's scheme; entries from before schemes were recorded are inferred from their unit. */
export function entryScheme(entry: { unit: string; scheme: string | null }): string | undefined {
  if (entry.scheme) return entry.scheme;
  return entry.unit === WHOLE_TABLE_UNIT ? WHOLE_TABLE_SCHEME : undefined;
}

/** Whether an existing entry was loaded under another scheme than `scheme` (an unknown day key counts as the same). */
export function schemeDiffers(entry: { unit: string; scheme: string | null }, scheme: string): boolean {
  const before = entryScheme(entry);
  if (before === undefined) return scheme === WHOLE_TABLE_SCHEME;
  return before !== scheme;
}

export function describeScheme(scheme: string): string {
  return scheme === WHOLE_TABLE_SCHEME ? 'one whole-table unit' : `one unit per day of "${scheme.slice('day:'.length)}"`;
}

/** The refusal of a per-day load on top of a load of another scheme, saying what to do. */
export function schemeChangeRefused(table: string, target: string, before: string, now: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: UNIT_SCHEME_CHANGED,
    nonRetryable: true,
    message: `table "${table}" was loaded into ${target} as ${describeScheme(before)}, but its files are now laid out as ${describeScheme(now)}; `
      + 'loading on top of the old load would duplicate its rows, so nothing was loaded. Re-run the import with reload (CLI --reload, '
      + 'input "reload": true): the first day committed removes the old load in its transaction and every day then loads on its own',
  });
}
