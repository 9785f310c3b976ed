import type { LedgerEntry } from '../warehouse/warehouse-sink';

/** Whether a unit loads, and why: the one rule the planner and the day load both apply. */
export interface UnitDecision {
  action: 'load' | 'skip';
  /** reload requested, new (or the scheme change it replaces), files changed, mapping changed; or unchanged. */
  reason: string;
}

/**
 * Compares a unit's files and mapping with its ledger entry (of the table's current scheme):
 * unchanged files (keys, ETags, sizes) under an unchanged mapping skip, anything else loads.
 * Also the retry path: an attempt that committed but died before reporting finds its own entry.
 */
export function decideUnit(
  previous: Pick<LedgerEntry, 'fingerprint' | 'configHash'> | undefined,
  now: { fingerprint: string; configHash: string; reload: boolean; schemeChange?: string },
): UnitDecision {
  const reason = now.reload ? 'reload requested'
    : !previous ? (now.schemeChange ?? 'new')
      : previous.fingerprint !== now.fingerprint ? 'files changed'
        : previous.configHash !== now.configHash ? 'mapping changed'
          : 'unchanged';
  return { action: reason === 'unchanged' ? 'skip' : 'load', reason };
}
