/**
 * A CSV written with another delimiter than its extension says (`id;name;amount` in a `.csv`, a
 * comma file named `.tsv`) would read as one column holding whole lines, silently. This finds it
 * from the file's first lines, so the reader can refuse the file naming the delimiter. Pure.
 */

/** Delimiters seen in real exports besides the one a `.csv` or `.tsv` is read with. */
const CANDIDATES = [';', '|', '\t', ','] as const;

export type Delimiter = (typeof CANDIDATES)[number];

/**
 * The delimiter the file is written with when it is not `expected`: the header (line 1) is one
 * field by `expected` but 2+ fields by another common delimiter, and every following record of
 * these lines has as many fields by it. Null otherwise: a one-column file whose values hold `;`
 * (`tags` / `a;b`) is not refused, its header does not split. Fields are split as RFC 4180 quotes
 * them (`"a;b"` is one field); a record still inside a quote when the lines end is not counted.
 * `lines` are physical lines without their line breaks, null for a blank line.
 */
export function foreignDelimiter(lines: (string | null)[], expected: ',' | '\t'): Delimiter | null {
  const header = lines[0];
  if (header === null || header === undefined) return null;
  const text = lines.map((line) => line ?? '').join('\n');
  if (fieldCounts(text, expected)[0] !== 1) return null;
  for (const delimiter of CANDIDATES) {
    if (delimiter === expected) continue;
    const [fields, ...rows] = fieldCounts(text, delimiter);
    if (fields !== undefined && fields >= 2 && rows.every((n) => n === fields)) return delimiter;
  }
  return null;
}

/** The field count of each complete, non-blank record of `text`, split by `delimiter` with RFC 4180 quoting. */
function fieldCounts(text: string, delimiter: string): number[] {
  const counts: number[] = [];
  let fields = 1;
  let empty = true;
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') i += 1;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '\n') {
      if (!empty) counts.push(fields);
      fields = 1;
      empty = true;
      fieldStart = true;
      continue;
    }
    empty = false;
    if (c === delimiter) {
      fields += 1;
      fieldStart = true;
      continue;
    }
    // A quote opens a quoted value only at a field's start; elsewhere it is a character of the value.
    if (c === '"' && fieldStart) quoted = true;
    fieldStart = false;
  }
  if (!empty && !quoted) counts.push(fields);
  return counts;
}
