import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnSchema } from '../workflow-safe/catalog/discovered-table';
import type { FileFormat } from '../workflow-safe/catalog/discovered-table';
import { FORMATS } from '../workflow-safe/formats/file-format';
import { fileColumnName, uniqueColumnNames } from '../workflow-safe/formats/column-names';
import { widenType } from '../workflow-safe/type-rule';
import { queryRows } from '../duckdb/query-rows';
import { quoteIdentifier, quoteLiteral } from '../duckdb/sql';
import { fileBytes } from './file-text';
import { FILE_COLUMN, type FormatReader, type ReaderReject } from './format-reader';

/**
 * NDJSON: one JSON object per line (RFC 8259 JSON, strictly). Blank lines and a UTF-8 byte order
 * mark are skipped; LF and CRLF both end a line. Each line is read as text by DuckDB's CSV
 * reader (one column, no quoting) and parsed once by `json_transform`: a JSON column's key as its
 * JSON text (so a key whose values differ in JSON type keeps each value exactly), any other key
 * as text to convert. DuckDB's JSON
 * parser is lenient in two ways JSON is not (trailing commas, NaN/Infinity): a cheap filter
 * finds lines that could hold either, and only those are checked with the strings blanked out.
 * A line that is no JSON, or JSON but not an object, is a bad row named by file and line.
 */

/** Never valid in JSON text (a raw control character): splits nothing of a valid line. */
const SEPARATOR = "E'\\x01'";
const BLANK = String.raw`'^[ \t\r]*$'`;
const OBJECT_START = String.raw`'^[ \t\r]*\{'`;
const PRETTY = String.raw`'^[ \t\r]*[\[{][ \t\r]*$'`;
const TRAILING_COMMA = String.raw`',[ \t\r]*[\]}]'`;
/** JSON strings, blanked before looking for the leniencies: `",]"` inside a string is fine. */
const STRINGS = String.raw`'"(?:[^"\\]|\\.)*"'`;

function lines(format: FileFormat, source: string, extra = ''): string {
  // strict_mode=false: LF, CRLF and a lone CR end a line (strict mode refuses a file that mixes
  // them). null_padding: `__extra` is set only for a line holding the separator.
  return `read_csv(${source}, header=false, auto_detect=false, columns={'__line': 'VARCHAR', '__extra': 'VARCHAR'}, delim=${SEPARATOR},
    quote='', escape='', strict_mode=false, null_padding=true, hive_partitioning=false${FORMATS[format].gzip ? ", compression='gzip'" : ''}${extra})`;
}

/** Why a line is not a usable JSON object (NULL when it is), over `__line`, `__extra` and `__j` (its json_transform, NULL if unparsable). */
const FORMAT_ERROR = `CASE
    WHEN __extra IS NOT NULL THEN 'not valid JSON: a raw control character U+0001 (JSON needs it escaped)'
    WHEN __j IS NULL AND NOT json_valid(__line) THEN CASE WHEN regexp_matches(__line, ${PRETTY})
      THEN 'the line is only "' || trim(__line) || '": the file looks like one pretty-printed JSON document, but NDJSON holds one JSON object per line (rewrite it with one object per line, e.g. jq -c)'
      ELSE 'not valid JSON' END
    WHEN NOT regexp_matches(__line, ${OBJECT_START}) THEN 'a JSON ' || CASE json_type(__line) WHEN 'ARRAY' THEN 'array' WHEN 'VARCHAR' THEN 'string'
      WHEN 'BOOLEAN' THEN 'boolean' WHEN 'NULL' THEN 'null' ELSE 'number' END || ', not an object (NDJSON holds one JSON object per line)'
    WHEN (contains(__line, 'NaN') OR contains(__line, 'Infinity') OR regexp_matches(__line, ${TRAILING_COMMA}))
      AND regexp_matches(regexp_replace(__line, ${STRINGS}, '""', 'g'), ${TRAILING_COMMA.slice(0, -1)}|NaN|Infinity')
    THEN CASE WHEN regexp_matches(regexp_replace(__line, ${STRINGS}, '""', 'g'), ${TRAILING_COMMA})
      THEN 'not valid JSON: a trailing comma before "]" or "}"'
      ELSE 'not valid JSON: NaN and Infinity are not JSON numbers (write null or a string)' END
  END`;

/** The JSON kind of one member (`e` from json_each) as a DuckDB type: strings shaped like DuckDB's JSON reader's dates and timestamps are typed so. */
const MEMBER_TYPE = String.raw`CASE e.type
    WHEN 'NULL' THEN 'NULL' WHEN 'BOOLEAN' THEN 'BOOLEAN' WHEN 'BIGINT' THEN 'BIGINT'
    WHEN 'UBIGINT' THEN CASE WHEN TRY_CAST(e.value::VARCHAR AS BIGINT) IS NOT NULL THEN 'BIGINT' ELSE 'HUGEINT' END
    WHEN 'DOUBLE' THEN CASE WHEN NOT regexp_full_match(e.value::VARCHAR, '-?[0-9]+') THEN 'DOUBLE'
      WHEN TRY_CAST(e.value::VARCHAR AS HUGEINT) IS NOT NULL THEN 'HUGEINT' ELSE 'JSON' END
    WHEN 'VARCHAR' THEN CASE
      WHEN regexp_full_match(e.value ->> '$', '\d{4}-\d{2}-\d{2}') AND TRY_CAST(e.value ->> '$' AS DATE) IS NOT NULL THEN 'DATE'
      WHEN regexp_full_match(e.value ->> '$', '\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?') AND TRY_CAST(e.value ->> '$' AS TIMESTAMP) IS NOT NULL THEN 'TIMESTAMP'
      ELSE 'VARCHAR' END
    ELSE 'JSON' END`;

const SAMPLE_LINES = 10_000;
const STRING_KINDS = new Set(['VARCHAR', 'DATE', 'TIMESTAMP']);

/**
 * One key's type from its values' kinds: NULLs say nothing (a key only ever null is JSON);
 * strings, dates and timestamps together are VARCHAR; other kinds widen by the type rule with
 * JSON as the fallback (a number and a string: JSON).
 */
export function keyType(kinds: string[]): string {
  const known = kinds.filter((k) => k !== 'NULL');
  if (known.length === 0) return 'JSON';
  if (known.includes('VARCHAR') && known.every((k) => STRING_KINDS.has(k))) return 'VARCHAR';
  return known.reduce((a, b) => widenType(a, b, 'JSON'));
}

async function inferColumns(db: DuckDBConnection, format: FileFormat, url: string): Promise<ColumnSchema[]> {
  const rows = await queryRows<{ name: string; kinds: string[] }>(db, `WITH read AS (
      SELECT __line, __extra, CASE WHEN json_valid(__line) THEN true END AS __j FROM ${lines(format, '$url', ', parallel=false')}
      WHERE __line IS NOT NULL AND NOT regexp_matches(__line, ${BLANK}) LIMIT ${SAMPLE_LINES}
    ), objects AS (
      SELECT row_number() OVER () AS n, __line FROM read WHERE (${FORMAT_ERROR}) IS NULL
    )
    SELECT e.key AS name, list(DISTINCT ${MEMBER_TYPE}) AS kinds FROM objects, json_each(objects.__line) e
    GROUP BY e.key ORDER BY min(objects.n * 1000000 + e.id)`, { url });
  const names = caseGroupNames(rows.map((r) => r.name));
  return rows.map((r, i) => ({ name: names[i]!, type: keyType(r.kinds), ...(fileColumnName(names[i]!) === r.name ? {} : { key: r.name }) }));
}

/**
 * Keys are case-sensitive, DuckDB's column names are not: `duck` beside `Duck` is a column of its
 * own (`Duck_1`). Within such a group the spellings are named in descending code-point order
 * (lower case first: `id`, `Id_1`, `ID_2`), not in the order a file happens to hold them, so two
 * files holding the same keys get the same columns.
 */
function caseGroupNames(keys: string[]): string[] {
  const groupSize = new Map<string, number>();
  for (const key of keys) groupSize.set(key.toLowerCase(), (groupSize.get(key.toLowerCase()) ?? 0) + 1);
  const grouped = keys.flatMap((key, i) => (groupSize.get(key.toLowerCase())! > 1 ? [i] : []));
  const ordered = [...keys];
  grouped.map((i) => keys[i]!).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)).forEach((key, j) => { ordered[grouped[j]!] = key; });
  const names = uniqueColumnNames(ordered);
  const nameOf = new Map(ordered.map((key, i) => [key, names[i]!]));
  return keys.map((key) => nameOf.get(key)!);
}

/** Each line's text (a BOM dropped), for numbering rejected lines: LF, CRLF and a lone CR end a line, as the scan reads them. */
export function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
}

/** The 1-based line of each raw line in `fileLines`, each line used once, in order (repeated lines get their own numbers). */
export function numberLines(fileLines: string[], raws: string[]): (number | null)[] {
  // DuckDB's Node client decodes text with a TextDecoder, which drops a leading U+FEFF: compared without it.
  const key = (line: string) => line.replace(/^\uFEFF/, '');
  const positions = new Map<string, number[]>();
  fileLines.forEach((line, i) => positions.set(key(line), [...(positions.get(key(line)) ?? []), i + 1]));
  const used = new Map<string, number>();
  return raws.map(key).map((raw) => {
    const at = used.get(raw) ?? 0;
    used.set(raw, at + 1);
    return positions.get(raw)?.[at] ?? null;
  });
}

/**
 * How a key arrives in the scan, from the one parse of its line: as its JSON text for a JSON or
 * nested column; otherwise as text (a string's own text, any other value's JSON text), which the
 * scan converts to the column's type as it would a CSV value.
 */
function scannedType(type: string): 'JSON' | 'VARCHAR' {
  return type === 'JSON' || /^(STRUCT|MAP|UNION)\(|\[\d*\]$/.test(type) ? 'JSON' : 'VARCHAR';
}

export function ndjsonReader(format: FileFormat): FormatReader {
  const facts = FORMATS[format];
  return {
    format,
    facts,
    describe: (db, url) => inferColumns(db, format, url),
    columns: (db, url) => inferColumns(db, format, url),
    async sample(db, url, rows) {
      const [read] = await queryRows<{ n: bigint }>(db, `SELECT count(*) AS n FROM (SELECT 1 FROM ${lines(format, '$url')}
        WHERE __line IS NOT NULL AND NOT regexp_matches(__line, ${BLANK}) LIMIT ${Math.max(1, Math.floor(rows))})`, { url });
      return Number(read?.n ?? 0);
    },
    scanSql(columns, tables) {
      // The structure keeps the columns' order (a JS object would sort keys like "1" first), and
      // each value is taken by position: DuckDB's struct field names, like its columns, ignore case.
      const keyOf = (c: ColumnSchema) => c.key ?? fileColumnName(c.name);
      const structure = quoteLiteral(`{${columns.map((c) => `${JSON.stringify(keyOf(c))}: ${JSON.stringify(scannedType(c.type))}`).join(', ')}}`);
      const selects = columns.map((c, i) => `struct_extract_at(__j, ${i + 1}) AS ${quoteIdentifier(c.name)}`);
      // A file without one object line has no keys: its lines are read only for what is wrong with them.
      const parsed = columns.length === 0 ? 'NULL' : `TRY(json_transform(__line, ${structure}))`;
      return `(SELECT ${[...selects, ''].join(', ')}__line, ${quoteIdentifier(FILE_COLUMN)}, NULL::BIGINT AS __row, ${FORMAT_ERROR} AS __format_error
        FROM (SELECT __line, __extra, ${quoteIdentifier(FILE_COLUMN)}, ${parsed} AS __j
          FROM ${lines(format, '$files', `, store_rejects=true, rejects_table=${quoteLiteral(tables.rejects)}, rejects_scan=${quoteLiteral(tables.scans)}, filename=${quoteLiteral(FILE_COLUMN)}`)}
          WHERE __line IS NOT NULL AND NOT regexp_matches(__line, ${BLANK})))`;
    },
    scannedType,
    rawSql: () => 's.__line',
    async rejects(db, tables) {
      const rows = await queryRows<{ url: string; error_type: string; error_message: string; csv_line: string }>(db,
        `SELECT f.file_path AS url, r.error_type::VARCHAR AS error_type, r.error_message, r.csv_line
         FROM ${quoteIdentifier(tables.rejects)} r JOIN ${quoteIdentifier(tables.scans)} f USING (scan_id, file_id) ORDER BY url, r.line`);
      const located = await this.locateLines!(db, rows.map((r) => ({ url: r.url, raw: r.csv_line })));
      return rows.map((r, i): ReaderReject => ({
        url: r.url, line: located[i] ?? null, column: null, raw: r.csv_line,
        reason: r.error_type === 'INVALID ENCODING' ? 'the line is not valid UTF-8'
          : r.error_type === 'LINE SIZE OVER MAXIMUM' ? 'the line is longer than 2 MB (the reader\'s limit)' : r.error_message,
      }));
    },
    async locateLines(db, rows) {
      const byUrl = new Map<string, number[]>();
      rows.forEach((r, i) => byUrl.set(r.url, [...(byUrl.get(r.url) ?? []), i]));
      const lineNumbers: (number | null)[] = rows.map(() => null);
      for (const [url, indexes] of byUrl) {
        const bytes = await fileBytes(db, url, facts.gzip);
        if (!bytes) continue;
        const numbers = numberLines(splitLines(bytes.toString('utf8')), indexes.map((i) => rows[i]!.raw));
        indexes.forEach((index, j) => { lineNumbers[index] = numbers[j] ?? null; });
      }
      return lineNumbers;
    },
  };
}
