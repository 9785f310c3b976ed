import { extensionsFor, FILE_FORMATS } from '../../workflow-safe/formats/file-format';
import { parseDayFolder } from '../../workflow-safe/layout/day-folder';
import { ignoredReason, parseHiveSegment } from '../../workflow-safe/layout/object-key';
import { prefixPath, prefixUri, type CheckContext, type CheckOutcome } from '../check-context';
import { s3FailureOutcome } from '../s3-failure-row';
import { listObjectsPage } from '../../s3/list-objects-page';


const TABLES_TO_SAMPLE = 5;
const SAMPLE_FILES = 5;

class ListingDenied extends Error {
  constructor(readonly outcome: CheckOutcome) {
    super(outcome.row.detail);
  }
}

/** The prefix holds table folders (Permutive's troubleshooting list) and they hold data files in the configured format. */
export async function checkSourceLayout(ctx: CheckContext): Promise<CheckOutcome> {
  const { connection } = ctx;
  if (connection.direction !== 'source') throw new Error('source-layout runs on sources only');
  const uri = prefixUri(connection);
  const base = prefixPath(connection.prefix);
  const tried = `list the folders under ${uri} and up to ${TABLES_TO_SAMPLE} of them for data files`;
  const failed = (detail: string, fix: string): CheckOutcome => ({ row: { status: 'failed', tried, detail, fix } });
  const s3 = await ctx.s3();
  // A denied listing becomes this check's failed row, carried out by a typed error.
  const list = async (prefix: string, delimiter?: string) => {
    try {
      return await listObjectsPage(s3, { Bucket: connection.bucket, Prefix: prefix, Delimiter: delimiter, MaxKeys: 1000 });
    } catch (error) {
      throw new ListingDenied(s3FailureOutcome(error, connection, { action: 's3:ListBucket', tried, target: `s3://${connection.bucket}/${prefix}` }));
    }
  };
  try {
    const top = await list(base, '/');
    const tables = (top.CommonPrefixes ?? []).map((p) => (p.Prefix ?? '').slice(base.length, -1)).filter(Boolean);
    const files = (top.Contents ?? []).filter((o) => !ignoredReason(o.Key ?? '', o.Size ?? 0));
    const parent = connection.prefix.includes('/') ? connection.prefix.slice(0, connection.prefix.lastIndexOf('/')) : '';
    const here = connection.prefix.slice(parent ? parent.length + 1 : 0);
    const pointAtParent = connection.prefix
      ? `set prefix to ${parent ? `"${parent}"` : '"" (the bucket root)'} so that "${here}" is read as a table`
      : 'move the files into one folder per table';
    if (tables.length === 0) {
      return failed(
        `${files.length} files directly under ${uri} and no table folders`,
        `every folder under the prefix is a table: ${pointAtParent}, or move the files into "${base}<table>/"`,
      );
    }
    const partitions = tables.filter((t) => parseDayFolder(t) ?? parseHiveSegment(t));
    if (partitions.length === tables.length) {
      return failed(
        `the folders under ${uri} are partitions (${tables.slice(0, 3).join(', ')}), not tables`,
        `the prefix points inside a table: ${pointAtParent}`,
      );
    }
    // The formats module's extensions: the same ones discovery and import read (`.gz` alone is gzipped CSV or NDJSON).
    const wanted = extensionsFor(connection.format);
    const other = new Set<string>();
    const samples: string[] = [];
    for (const table of tables.slice(0, TABLES_TO_SAMPLE)) {
      const listed = await list(`${base}${table}/`);
      let fromTable = 0;
      for (const object of listed.Contents ?? []) {
        const key = object.Key ?? '';
        if (ignoredReason(key, object.Size ?? 0)) continue;
        if (wanted.some((ext) => key.toLowerCase().endsWith(ext))) {
          // Up to two files a table, five in all: the sample read tries the next when one is unreadable.
          if (fromTable < 2 && samples.length < SAMPLE_FILES) samples.push(key);
          fromTable += 1;
          continue;
        }
        other.add(key.slice(key.lastIndexOf('/') + 1).replace(/^[^.]*/, '') || '(no extension)');
      }
      if (samples.length >= SAMPLE_FILES) break;
    }
    if (samples.length > 0) {
      return {
        row: { status: 'ok', tried, detail: `${tables.length}${tables.length === 1000 ? '+' : ''} table folders (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}); sample file ${samples[0]}` },
        facts: { sampleKey: samples[0], sampleKeys: samples },
      };
    }
    const looked = tables.slice(0, TABLES_TO_SAMPLE).join(', ');
    if (other.size > 0) {
      return failed(
        `format is "${connection.format}" but the files in ${looked} end in ${[...other].slice(0, 5).join(', ')}`,
        `set format to the files' format (${FILE_FORMATS.join(', ')}) or "auto"`,
      );
    }
    return failed(`no data files in the table folders ${looked}`, `upload data files into each table folder ("${base}${tables[0]}/part-0.parquet"), directly or in partition folders`);
  } catch (error) {
    if (error instanceof ListingDenied) return error.outcome;
    throw error;
  }
}
