import type { DataFormat } from '../connection';
import { MAX_NAMED_FILES, nameFew, type DiscoveryProblem } from './discovery-problem';
import { FORMATS, formatFromKey, type ExtensionFormat } from '../formats/file-format';
import type { ListedObject } from './listed-object';

export interface TableFormatInput {
  dataFiles: ListedObject[];
  /** The connection's format setting; `auto` reads extensions. */
  connectionFormat: DataFormat;
  segmentSource: boolean;
}

export interface TableFormatResult {
  /** `gz` until a sample file's content says CSV or NDJSON. */
  format: ExtensionFormat | undefined;
  files: ListedObject[];
  problems: DiscoveryProblem[];
}

/** A bare `.gz` is what the connection says, NDJSON for Segment's logs, else decided by sniffing. */
function candidate(key: string, connectionFormat: DataFormat, segmentSource: boolean): ExtensionFormat | undefined {
  const byKey = formatFromKey(key);
  if (byKey === 'gz') {
    if (connectionFormat !== 'auto' && FORMATS[connectionFormat].gzip) return connectionFormat;
    return segmentSource ? 'ndjson.gz' : 'gz';
  }
  return byKey ?? (connectionFormat === 'auto' ? undefined : connectionFormat);
}

/**
 * A table's format from its files' extensions: the format most files have. Files in another
 * format are left out and named (one format per table, as Permutive requires per schema).
 */
export function chooseTableFormat({ dataFiles, connectionFormat, segmentSource }: TableFormatInput): TableFormatResult {
  const byFormat = new Map<ExtensionFormat | undefined, ListedObject[]>();
  for (const file of dataFiles) {
    const format = candidate(file.key, connectionFormat, segmentSource);
    byFormat.set(format, [...(byFormat.get(format) ?? []), file]);
  }
  const known = [...byFormat.entries()].filter(([format]) => format !== undefined) as [ExtensionFormat, ListedObject[]][];
  known.sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  const problems: DiscoveryProblem[] = [];
  const unknown = byFormat.get(undefined) ?? [];
  if (unknown.length > 0) {
    const keys = unknown.map((f) => f.key);
    problems.push({
      kind: 'unknown-files',
      message: `${keys.length} file${keys.length === 1 ? '' : 's'} without a data file extension left out (set the connection's format to read them): ${nameFew(keys)}`,
      files: keys.slice(0, MAX_NAMED_FILES),
      fileCount: keys.length,
    });
  }
  const [winner, ...others] = known;
  for (const [format, files] of others) {
    const keys = files.map((f) => f.key);
    problems.push({
      kind: 'mixed-format',
      message: `${keys.length} ${format} file${keys.length === 1 ? '' : 's'} in a ${winner![0]} table left out (one format per table): ${nameFew(keys)}`,
      files: keys.slice(0, MAX_NAMED_FILES),
      fileCount: keys.length,
    });
  }
  return { format: winner?.[0], files: winner?.[1] ?? [], problems };
}
