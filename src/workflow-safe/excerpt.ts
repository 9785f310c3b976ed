/**
 * Customer values that reach an error message (and so workflow history, logs and the CLI) pass
 * through here: at most a short, escaped excerpt survives. Pure and workflow-safe.
 */

/** Characters of a value kept in an excerpt; enough to recognise a value, too few to leak one. */
const EXCERPT_CHARS = 20;

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

/**
 * A column name from a file, for a message: names are schema, so longer ones are kept than values,
 * but still bounded and escaped (a CSV without its header line names columns after its first row).
 */
export function excerptName(name: string): string {
  return excerpt(name, 64);
}

/** Messages longer than this (after excerpting) are cut: a DuckDB error can carry whole input lines. */
const MESSAGE_CHARS = 300;

/**
 * A DuckDB (or other engine) error message made safe for history: its first line only (later
 * lines repeat the SQL), every quoted value (`'...'`, `"..."`) replaced by its excerpt, an
 * unquoted `Input: ...` or `Line: ...` tail reduced to its excerpt, and the whole capped in length.
 */
export function scrubValues(message: string): string {
  const firstLine = message.split('\n')[0] ?? '';
  // JSON and CSV errors append the offending input unquoted: keep only its excerpt.
  const tail = /\b(Input|Line|line): /.exec(firstLine);
  const head = tail ? firstLine.slice(0, tail.index) : firstLine;
  // A quoted s3:// URL is the file's name, already in the caller's message: kept whole.
  const quote = (text: string) => (text.startsWith('s3://') ? text : excerpt(text));
  const scrubbed = head.replace(/'([^']*)'|"([^"]*)"/g, (_m, single: string | undefined, double: string | undefined) =>
    single !== undefined ? `'${quote(single)}'` : `"${quote(double ?? '')}"`)
    + (tail ? `${tail[0]}${excerpt(firstLine.slice(tail.index + tail[0].length))}` : '');
  return scrubbed.length > MESSAGE_CHARS ? `${scrubbed.slice(0, MESSAGE_CHARS)}...(cut)` : scrubbed;
}
