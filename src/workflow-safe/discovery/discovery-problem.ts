/**
 * Something discovery noticed without failing the run: a table is still discovered (or skipped
 * with the reason), and the problem names the files concerned (a few, with a count of the rest).
 */
type DiscoveryProblemKind =
  | 'ignored-files'
  | 'unknown-files'
  | 'mixed-format'
  | 'format-mismatch'
  | 'inconsistent-partitions'
  | 'no-day-folders'
  | 'type-conflict'
  | 'unreadable-file'
  | 'duplicate-table';

export interface DiscoveryProblem {
  kind: DiscoveryProblemKind;
  message: string;
  /** Keys relative to the table prefix (at most MAX_NAMED_FILES). */
  files?: string[];
  /** How many files the problem concerns in all (files lists the first few). */
  fileCount?: number;
}

/** Problems name this many files at most, so a catalog row stays small on huge tables. */
export const MAX_NAMED_FILES = 10;

/** `a, b, c and 7 more`: a short human list. */
export function nameFew(names: string[], total = names.length): string {
  const shown = names.slice(0, MAX_NAMED_FILES);
  const rest = total - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}
