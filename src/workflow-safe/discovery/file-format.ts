import type { FileFormat } from '../catalog/discovered-table';

/** What a key's extension says: a format, `gz` (gzipped, CSV or NDJSON unknown until sniffed), or nothing. */
export type ExtensionFormat = FileFormat | 'gz';

const BY_SUFFIX: [RegExp, ExtensionFormat][] = [
  [/\.(parquet|parq|pq)$/i, 'parquet'],
  [/\.(csv|tsv)\.gz$/i, 'csv.gz'],
  [/\.(json|jsonl|ndjson)\.gz$/i, 'ndjson.gz'],
  [/\.(gz|gzip)$/i, 'gz'],
  [/\.(csv|tsv)$/i, 'csv'],
  [/\.(json|jsonl|ndjson)$/i, 'ndjson'],
];

export function formatFromKey(key: string): ExtensionFormat | undefined {
  return BY_SUFFIX.find(([pattern]) => pattern.test(key))?.[1];
}

/** What a file's first bytes say: Parquet (`PAR1`), gzip (1f 8b) or plain text. */
export type Magic = 'parquet' | 'gzip' | 'text';

export function magicOf(head: Uint8Array): Magic {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return 'parquet';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  return 'text';
}

/** NDJSON when the first non-blank character opens a JSON object, CSV otherwise. */
export function textKind(text: string): 'csv' | 'ndjson' {
  return /^\s*[{[]/.test(text) ? 'ndjson' : 'csv';
}

/** The magic a format's files must start with. */
export function expectedMagic(format: FileFormat): Magic {
  if (format === 'parquet') return 'parquet';
  return format.endsWith('.gz') ? 'gzip' : 'text';
}
