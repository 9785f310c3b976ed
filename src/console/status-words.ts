import type { DayOutcome } from './day-calendar';

/**
 * The words the CLI prints for each status, and the one colour (a CSS class, see console-css.ts)
 * each gets on every page: green done, red failed, amber needs a look, blue in progress, grey
 * nothing happened.
 */
export type Tone = 'ok' | 'bad' | 'warn' | 'busy' | 'idle';

/** A connection's status, as `connections list` and `connections show` print it (Permutive's words). */
export const CONNECTION_STATUS: Record<string, { word: string; tone: Tone }> = {
  processing: { word: 'Processing', tone: 'busy' },
  active: { word: 'Active', tone: 'ok' },
  failed: { word: 'Failed', tone: 'bad' },
  none: { word: 'not validated', tone: 'idle' },
};

/** A validation check's row. */
export const CHECK_STATUS: Record<string, Tone> = { ok: 'ok', failed: 'bad', skipped: 'idle', pending: 'busy' };

/** A day of an import: the report's words (loaded, skipped, failed) and the live states. */
export const DAY_OUTCOME: Record<DayOutcome, { word: string; tone: Tone }> = {
  loaded: { word: 'loaded', tone: 'ok' },
  rejects: { word: 'loaded with rejects', tone: 'warn' },
  failed: { word: 'failed', tone: 'bad' },
  skipped: { word: 'skipped', tone: 'idle' },
  waiting: { word: 'waiting for drift approval', tone: 'warn' },
  loading: { word: 'loading', tone: 'busy' },
};

/** A run's status, lower-case as `runs` and `status` print it. */
export function runStatus(status: string): { word: string; tone: Tone } {
  const word = status.toLowerCase();
  const tone: Tone = word === 'running' ? 'busy' : word === 'completed' ? 'ok' : word === 'failed' || word === 'timed_out' || word === 'terminated' ? 'bad' : 'idle';
  return { word, tone };
}

/** An export window: exported or failed (the report's words), or still to come. */
export const WINDOW_STATUS: Record<'exported' | 'failed' | 'pending', Tone> = { exported: 'ok', failed: 'bad', pending: 'busy' };

/** A migration's status, as `migrate status` prints it. */
export const MIGRATION_STATUS: Record<string, Tone> = { running: 'busy', paused: 'warn', completed: 'ok', 'rolled-back': 'bad' };
