import type { FileFormat } from '../catalog/discovered-table';

/**
 * The pure half of the formats module (src/formats/ holds the readers): which formats exist,
 * which extensions and first bytes say which, and how each is read (family, delimiter, gzip).
 * Discovery, validation and import all decide formats here, so they cannot disagree.
 */

/** How a format is read: its reader family, its CSV delimiter, whether it is gzipped. */
export interface FormatFacts {
  family: 'parquet' | 'csv' | 'ndjson';
  gzip: boolean;
  /** CSV and TSV: the field delimiter (RFC 4180 quoting with `"` either way). */
  delimiter?: ',' | '\t';
  /** Extensions, lower case, longest first; a bare `.gz` is decided separately (see formatFromKey). */
  extensions: string[];
}

export const FORMATS: Record<FileFormat, FormatFacts> = {
  parquet: { family: 'parquet', gzip: false, extensions: ['.parquet', '.parq', '.pq'] },
  csv: { family: 'csv', gzip: false, delimiter: ',', extensions: ['.csv'] },
  'csv.gz': { family: 'csv', gzip: true, delimiter: ',', extensions: ['.csv.gz'] },
  tsv: { family: 'csv', gzip: false, delimiter: '\t', extensions: ['.tsv', '.tab'] },
  'tsv.gz': { family: 'csv', gzip: true, delimiter: '\t', extensions: ['.tsv.gz', '.tab.gz'] },
  ndjson: { family: 'ndjson', gzip: false, extensions: ['.ndjson', '.jsonl', '.json'] },
  'ndjson.gz': { family: 'ndjson', gzip: true, extensions: ['.ndjson.gz', '.jsonl.gz', '.json.gz'] },
};

export const FILE_FORMATS = Object.keys(FORMATS) as FileFormat[];

/** Extensions that are gzip of an unknown text format (CSV or NDJSON, decided by the content or the connection). */
const BARE_GZIP_EXTENSIONS = ['.gz', '.gzip'];

/** What a key's extension says: a format, `gz` (gzipped, CSV or NDJSON unknown until sniffed), or nothing. */
export type ExtensionFormat = FileFormat | 'gz';

const BY_EXTENSION: [string, ExtensionFormat][] = [
  ...FILE_FORMATS.flatMap((format) => FORMATS[format].extensions.map((extension): [string, ExtensionFormat] => [extension, format])),
  ...BARE_GZIP_EXTENSIONS.map((extension): [string, ExtensionFormat] => [extension, 'gz']),
].sort((a, b) => b[0].length - a[0].length);

export function formatFromKey(key: string): ExtensionFormat | undefined {
  const lower = key.toLowerCase();
  return BY_EXTENSION.find(([extension]) => lower.endsWith(extension))?.[1];
}

/**
 * Every extension a connection's `format` setting accepts: its own, plus a bare `.gz` for the
 * gzipped text formats; `auto` accepts every known one.
 */
export function extensionsFor(format: FileFormat | 'auto'): string[] {
  if (format === 'auto') return [...FILE_FORMATS.flatMap((f) => FORMATS[f].extensions), ...BARE_GZIP_EXTENSIONS];
  return [...FORMATS[format].extensions, ...(FORMATS[format].gzip && FORMATS[format].family !== 'parquet' ? BARE_GZIP_EXTENSIONS : [])];
}

/** Whether a key's extension fits a format (a bare `.gz` fits every gzipped text format). */
export function extensionFits(key: string, format: FileFormat): boolean {
  const extension = formatFromKey(key);
  return extension === format || (extension === 'gz' && FORMATS[format].gzip);
}

/** What a file's first bytes say: Parquet (`PAR1`), gzip (1f 8b) or plain text. */
export type Magic = 'parquet' | 'gzip' | 'text';

export function magicOf(head: Uint8Array): Magic {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return 'parquet';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  return 'text';
}

/**
 * NDJSON when the first non-blank character (after a byte order mark) opens a JSON object or
 * array, CSV otherwise (an array is no NDJSON, and its reader says so clearly).
 */
export function textKind(text: string): 'csv' | 'ndjson' {
  return /^\uFEFF?\s*[{[]/.test(text) ? 'ndjson' : 'csv';
}

/** The gzipped format of a sniffed text kind. */
export function gzippedFormat(kind: 'csv' | 'ndjson'): FileFormat {
  return kind === 'csv' ? 'csv.gz' : 'ndjson.gz';
}

/** The magic a format's files must start with. */
export function expectedMagic(format: FileFormat): Magic {
  if (format === 'parquet') return 'parquet';
  return FORMATS[format].gzip ? 'gzip' : 'text';
}

/** Formats without declared types (CSV, TSV, NDJSON): their values are text to convert. */
export function isTextFormat(format: FileFormat): boolean {
  return FORMATS[format].family !== 'parquet';
}
