import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnSchema, FileFormat } from '../workflow-safe/catalog/discovered-table';
import { FORMATS } from '../workflow-safe/formats/file-format';
import { uniqueColumnNames } from '../workflow-safe/formats/column-names';
import { checkedType } from '../workflow-safe/type-rule';
import { classifyDuckDBReadError } from '../duckdb/classify-read-error';
import { queryRows } from '../duckdb/query-rows';
import { quoteIdentifier, quoteLiteral } from '../duckdb/sql';
import { foreignDelimiter, type Delimiter } from './csv-delimiter';
import { fileBytes, lineAtByte } from './file-text';
import { FILE_COLUMN, type FormatReader, type ReaderReject } from './format-reader';

/**
 * CSV and TSV, RFC 4180: `"` quotes a value, `""` inside it is a quote, a quoted value may hold
 * the delimiter and line breaks (LF or CRLF); the first record is the header. A UTF-8 byte
 * order mark is skipped. `""` is an empty string; an empty unquoted field is NULL. Lines
 * starting with `#` are data (DuckDB's sniffer would take them for comments). A record with
 * more or fewer fields than the header is set aside by DuckDB's reader and named by line.
 */

// Never sent as a value: tells an empty header name ('') from a missing one.
const HEADER_NULL = '\u0001s3bridge-no-value\u0001';

function dialect(format: FileFormat): string {
  const facts = FORMATS[format];
  // Partition columns come from the path as the catalog types them, never from DuckDB's own Hive detection.
  return `delim=${quoteLiteral(facts.delimiter ?? ',')}, quote='"', escape='"', comment='', skip=0, hive_partitioning=false`
    + (facts.gzip ? ", compression='gzip'" : '');
}

async function readHeader(db: DuckDBConnection, format: FileFormat, url: string): Promise<string[]> {
  try {
    // The first physical line, unparsed: a blank one would be taken for the header by the scan
    // while DuckDB's header read skips it, so the header would load as a row.
    const lines = await firstLines(db, format, url);
    // A gzipped file can hold nothing once inflated though listing kept it (it has bytes).
    if (lines.length === 0) throw new HeaderError('the file holds no lines (it is empty once inflated): a CSV file starts with its header line');
    if (lines[0] === null) {
      throw new HeaderError('line 1 is blank: a CSV file starts with its header line (remove the blank lines before it)');
    }
    const expected = FORMATS[format].delimiter ?? ',';
    const found = foreignDelimiter(lines, expected);
    if (found !== null) throw new HeaderError(wrongDelimiter(found, expected));
    // The first record as a plain row: sample_size=1 so the sniffer sizes the row by the header
    // alone (a longer record later is skipped, not a reason to pad or fail), and no null_padding:
    // DuckDB's parallel scanner refuses it together with quoted line breaks.
    const [header] = await queryRows<Record<string, string | null>>(db,
      `SELECT * FROM read_csv($url, header=false, all_varchar=true, sample_size=1, ignore_errors=true, nullstr=${quoteLiteral(HEADER_NULL)},
        ${dialect(format)}) LIMIT 1`, { url });
    if (!header) throw new HeaderError('line 1 (the header) does not read as CSV');
    return Object.values(header).map((v) => v ?? '');
  } catch (error) {
    throw headerFailure(error);
  }
}

class HeaderError extends Error {}

/** Lines the header checks read: line 1, and the first data lines to confirm a foreign delimiter by. */
const FIRST_LINES = 6;

/** The first lines as text (one column, no quoting; a byte order mark dropped), NULL for a blank one. */
async function firstLines(db: DuckDBConnection, format: FileFormat, url: string): Promise<(string | null)[]> {
  const read = async (extra: string) => (await queryRows<{ line: string | null }>(db, `SELECT __line AS line FROM read_csv($url, header=false,
    auto_detect=false, columns={'__line': 'VARCHAR'}, delim=E'\\x01', quote='', escape='', strict_mode=false, hive_partitioning=false${
      FORMATS[format].gzip ? ", compression='gzip'" : ''}${extra}) LIMIT ${FIRST_LINES}`, { url })).map((r) => r.line);
  try {
    return await read('');
  } catch (error) {
    // DuckDB checks a block of lines at a time: the line it names may be a later one, which the scan names as a bad row.
    const message = error instanceof Error ? error.message : String(error);
    const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
    if (line === undefined) throw error;
    if (line !== '1') return read(', ignore_errors=true');
    if (/Invalid unicode/.test(message)) throw new HeaderError('line 1 is not valid UTF-8 (s3bridge reads CSV as UTF-8: convert the file, e.g. with iconv)');
    if (/Maximum line size of \d+ bytes exceeded/.test(message)) throw new HeaderError('line 1 is longer than 2 MB (the reader\'s limit)');
    throw error;
  }
}

const DELIMITER_NAMES: Record<Delimiter, string> = { ',': "','", ';': "';'", '|': "'|'", '\t': 'tabs' };

/**
 * Why a file whose header is split by another delimiter is refused, and the fix: s3bridge has no
 * delimiter setting, a `.csv` is read with commas and a `.tsv` or `.tab` with tabs.
 */
function wrongDelimiter(found: Delimiter, expected: ',' | '\t'): string {
  const read = expected === ',' ? 's3bridge reads .csv files with commas (RFC 4180)' : 's3bridge reads .tsv and .tab files with tabs';
  const rename = found === '\t' ? 'name it .tsv (read with tabs), or write it with commas'
    : found === ',' ? 'name it .csv (read with commas), or write it with tabs'
      : `write the file with ${expected === ',' ? 'commas' : 'tabs'}`;
  return `line 1: the header is delimited by ${DELIMITER_NAMES[found]}, not ${DELIMITER_NAMES[expected]}; ${read}: ${rename}`;
}

/**
 * Why a header does not read, in s3bridge's words (DuckDB's own suggest reader options s3bridge
 * does not expose); S3 and network errors pass through for the caller to classify.
 */
function headerFailure(error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof HeaderError || classifyDuckDBReadError(message) !== 'unreadable') return error;
  // DuckDB sniffs the first rows even to read the header: the fault may be on a later line.
  if (/Error when sniffing file/.test(message)) {
    return new HeaderError('its first lines do not read as CSV (RFC 4180): a quote opened and never closed, a quote inside an unquoted value (inside a quoted value a quote is written ""), or line endings that mix CRLF, LF and CR');
  }
  return error;
}

const FIELDS = /Expected Number of Columns: (\d+) Found: (\d+)/;

/** A reader reject in s3bridge's words: what is wrong with the line, and how RFC 4180 wants it. */
function rejectReason(errorType: string, message: string, columns: number): string {
  const fields = FIELDS.exec(message);
  if ((errorType === 'TOO MANY COLUMNS' || errorType === 'MISSING COLUMNS') && fields) {
    return `the line has ${fields[2]} field${fields[2] === '1' ? '' : 's'}, the header has ${columns}`;
  }
  if (errorType === 'UNQUOTED VALUE') return 'a quote inside an unquoted value (RFC 4180: quote the whole value and double each quote inside it)';
  if (errorType === 'INVALID ENCODING') return 'the line is not valid UTF-8';
  if (errorType === 'LINE SIZE OVER MAXIMUM') return 'the line is longer than 2 MB (the reader\'s limit)';
  return message;
}

export function csvReader(format: FileFormat): FormatReader {
  const facts = FORMATS[format];
  return {
    format,
    facts,
    async columns(db, url) {
      return uniqueColumnNames(await readHeader(db, format, url)).map((name) => ({ name, type: 'VARCHAR' }));
    },
    async describe(db, url) {
      const names = uniqueColumnNames(await readHeader(db, format, url));
      // Types from DuckDB's sniffer with the same dialect; `""` is text, so a column holding it stays VARCHAR.
      const [sniffed] = await queryRows<{ date_format: string | null; timestamp_format: string | null; columns: string }>(db,
        `SELECT DateFormat AS date_format, TimestampFormat AS timestamp_format, to_json(Columns)::VARCHAR AS columns
         FROM sniff_csv($url, header=true, allow_quoted_nulls=false, ignore_errors=true, ${dialect(format)})`, { url })
        .catch(() => []);
      const types = sniffed ? (JSON.parse(sniffed.columns) as { type: string }[]).map((c) => readableType(c.type, sniffed)) : [];
      return names.map((name, i) => ({ name, type: types.length === names.length ? types[i]! : 'VARCHAR' }));
    },
    async sample(db, url, rows) {
      const columns = await this.columns(db, url);
      const [read] = await queryRows<{ n: bigint }>(db, `SELECT count(*) AS n FROM (SELECT 1 FROM read_csv($url, header=true, auto_detect=false,
        ${dialect(format)}, allow_quoted_nulls=false, columns=${struct(columns)}) LIMIT ${Math.max(1, Math.floor(rows))})`, { url });
      return Number(read?.n ?? 0);
    },
    scanSql(columns, tables) {
      // In a one-column file an empty unquoted field is a blank line: skipped, as DuckDB skips blank lines of wider files.
      const blankLines = columns.length === 1 ? ` WHERE ${quoteIdentifier(columns[0]!.name)} IS NOT NULL` : '';
      return `(SELECT *, NULL::BIGINT AS __row, NULL::VARCHAR AS __format_error FROM read_csv($files, header=true, auto_detect=false,
        ${dialect(format)}, allow_quoted_nulls=false, columns=${struct(columns)},
        store_rejects=true, rejects_table=${quoteLiteral(tables.rejects)}, rejects_scan=${quoteLiteral(tables.scans)}, filename=${quoteLiteral(FILE_COLUMN)})${blankLines})`;
    },
    scannedType: (type) => type,
    rawSql: rawValuesJson,
    async rejects(db, tables, columns) {
      const rows = await queryRows<{ url: string; line: bigint; pos: bigint | null; column_name: string | null; error_type: string; error_message: string; csv_line: string }>(db,
        `SELECT f.file_path AS url, r.line, r.line_byte_position AS pos, r.column_name, r.error_type::VARCHAR AS error_type, r.error_message, r.csv_line
         FROM ${quoteIdentifier(tables.rejects)} r JOIN ${quoteIdentifier(tables.scans)} f USING (scan_id, file_id)
         -- One reject per line: a line DuckDB faults twice (a stray quote, then its value's conversion) is named by its first, structural fault.
         QUALIFY row_number() OVER (PARTITION BY f.file_path, r.line ORDER BY r.error_type = 'CAST', r.byte_position) = 1
         ORDER BY url, r.line`);
      // DuckDB numbers records; a quoted line break makes a record span lines, so the file says which line a record starts on.
      const texts = new Map<string, Promise<Buffer | undefined>>();
      const bytesOf = (url: string) => {
        if (!texts.has(url)) texts.set(url, fileBytes(db, url, facts.gzip));
        return texts.get(url)!;
      };
      const rejects: ReaderReject[] = [];
      for (const r of rows) {
        const bytes = r.pos === null ? undefined : await bytesOf(r.url);
        const line = bytes ? lineAtByte(bytes, Number(r.pos)) : null;
        const reason = rejectReason(r.error_type, r.error_message, columns);
        rejects.push({
          url: r.url, line, column: r.error_type === 'CAST' ? r.column_name : null,
          reason: line === null ? `record ${r.line}: ${reason}` : reason,
          // DuckDB keeps the previous line's LF on a CRLF file's line.
          raw: r.csv_line.replace(/^\r?\n/, ''),
        });
      }
      return rejects;
    },
  };
}

/**
 * A sniffed type the scan can read: the scan converts text with DuckDB's own casts (ISO dates and
 * timestamps), so a column the sniffer typed by another date or timestamp format
 * (`10/08/2008`, `08-17-2007 10:00:00 AM`) stays text, exactly as written.
 */
function readableType(type: string, formats: { date_format: string | null; timestamp_format: string | null }): string {
  if (type === 'DATE' && formats.date_format !== null && formats.date_format !== '%Y-%m-%d') return 'VARCHAR';
  if (type.startsWith('TIMESTAMP') && formats.timestamp_format !== null) return 'VARCHAR';
  return type;
}

function struct(columns: ColumnSchema[]): string {
  return `{${columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(checkedType(c.type, `column "${c.name}"`))}`).join(', ')}}`;
}

/** A rejected row's values as a JSON object (Parquet and CSV rows; the CSV line itself goes with the reader's own rejects). */
export function rawValuesJson(columns: ColumnSchema[]): string {
  if (columns.length === 0) return "'{}'";
  return `CAST(json_object(${columns.map((c) => `${quoteLiteral(c.name)}, s.${quoteIdentifier(c.name)}`).join(', ')}) AS VARCHAR)`;
}
