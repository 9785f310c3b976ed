import type { S3Client } from '@aws-sdk/client-s3';
import type { SourceConnection } from '../workflow-safe/connection';
import { MAX_NAMED_FILES, nameFew, type DiscoveryProblem } from '../workflow-safe/discovery/discovery-problem';
import { ignoredReason } from '../workflow-safe/layout/object-key';
import type { TableCandidate } from '../catalog/discovery-staging-store';
import { listFolderLevel } from './list-objects';

/** Segment's export folder: each `<source-id>/` below it is a table of received-day folders. */
const SEGMENT_LOGS = 'segment-logs';

function schemaPrefix(connection: SourceConnection): string {
  return connection.prefix ? `${connection.prefix}/` : '';
}

function lastSegment(prefix: string): string {
  return prefix.replace(/\/$/, '').split('/').pop() ?? '';
}

/**
 * The tables of a schema: every folder directly under the prefix (Permutive, Statsig), and
 * for a `segment-logs/` folder (or a prefix that is one) every source folder inside it.
 * Folders whose names start with `_` or `.` are not tables; files beside the tables are reported.
 */
export async function listTableCandidates(
  s3: S3Client,
  connection: SourceConnection,
): Promise<{ candidates: TableCandidate[]; problems: DiscoveryProblem[] }> {
  const root = schemaPrefix(connection);
  const top = await listFolderLevel(s3, connection.bucket, root);
  const candidates: TableCandidate[] = [];
  const visible = (folder: string) => !/^[_.]/.test(lastSegment(folder));
  const addSegmentSources = async (folder: string) => {
    const level = await listFolderLevel(s3, connection.bucket, folder);
    for (const source of level.folders.filter(visible)) {
      candidates.push({ name: lastSegment(source), prefix: source, segmentSource: true });
    }
  };
  if (lastSegment(root) === SEGMENT_LOGS) {
    for (const source of top.folders.filter(visible)) candidates.push({ name: lastSegment(source), prefix: source, segmentSource: true });
  } else {
    for (const folder of top.folders.filter(visible)) {
      if (lastSegment(folder) === SEGMENT_LOGS) await addSegmentSources(folder);
      else candidates.push({ name: lastSegment(folder), prefix: folder, segmentSource: false });
    }
  }
  const problems: DiscoveryProblem[] = [];
  const stray = top.objects.filter((o) => ignoredReason(o.key, o.size) === undefined).map((o) => o.key);
  if (stray.length > 0) {
    problems.push({
      kind: 'ignored-files',
      message: `${stray.length} file${stray.length === 1 ? '' : 's'} directly under the schema prefix, outside any table folder, ignored: ${nameFew(stray)}`,
      files: stray.slice(0, MAX_NAMED_FILES),
      fileCount: stray.length,
    });
  }
  const names = new Map<string, number>();
  for (const c of candidates) names.set(c.name, (names.get(c.name) ?? 0) + 1);
  const clashes = [...names.entries()].filter(([, n]) => n > 1).map(([name]) => name);
  if (clashes.length > 0) {
    // A Segment source named like a table folder: keep the first, report the clash.
    problems.push({ kind: 'duplicate-table', message: `table names found twice (a Segment source named like a table folder), the second ignored: ${nameFew(clashes)}` });
  }
  const seen = new Set<string>();
  return { candidates: candidates.filter((c) => !seen.has(c.name) && seen.add(c.name)), problems };
}
