/**
 * Customer values that reach an error message (and so workflow history, logs and the CLI) pass
 * through here: at most a short, escaped excerpt survives. Pure and workflow-safe.
 */

/** Characters of a value kept in an excerpt; enough to recognise a value, too few to leak one. */
export const EXCERPT_CHARS = 20;

/**
 * A short, escaped excerpt of a value: control and non-ASCII characters escaped (so a value cannot
 * forge lines or hide characters), cut at `max` characters with the count of what was left out.
 */
export function excerpt(value: unknown, max = EXCERPT_CHARS): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) as string | undefined) ?? 'undefined';
  const chars = Array.from(text);
  const kept = chars.slice(0, max).join('');
  // JSON escaping covers quotes, backslashes and control characters; non-ASCII is shown as \uXXXX.
  const escaped = JSON.stringify(kept).slice(1, -1).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return chars.length > max ? `${escaped}...(${chars.length - max} more chars)` : escaped;
}

/** Messages longer than this (after excerpting) are cut: a DuckDB error can carry whole input lines. */
const MESSAGE_CHARS = 300;

/**
 * A DuckDB (or other engine) error message made safe for history: its first line only, every
 * quoted value (`'...'`, `"..."`) replaced by its excerpt, and the whole capped in length (an
 * unquoted tail such as a JSON error's input line is cut there).
 */
export function scrubValues(message: string): string {
  const firstLine = message.split('\n')[0] ?? '';
  // JSON and CSV errors append the offending input unquoted: keep only its excerpt.
  const tail = /\b(Input|Line|line): /.exec(firstLine);
  const head = tail ? firstLine.slice(0, tail.index) : firstLine;
  const scrubbed = head.replace(/'([^']*)'|"([^"]*)"/g, (_m, single: string | undefined, double: string | undefined) =>
    single !== undefined ? `'${excerpt(single)}'` : `"${excerpt(double)}"`)
    + (tail ? `${tail[0]}${excerpt(firstLine.slice(tail.index + tail[0].length))}` : '');
  return scrubbed.length > MESSAGE_CHARS ? `${scrubbed.slice(0, MESSAGE_CHARS)}...(cut)` : scrubbed;
}
