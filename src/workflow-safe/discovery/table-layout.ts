import type { PartitionKey, TableLayout } from '../catalog/discovered-table';
import type { Partitioning } from '../connection';
import { parseDayFolder, type DayFormat } from '../layout/day-folder';
import { ignoredTableFileReason, parseHiveSegment } from '../layout/object-key';
import { MAX_NAMED_FILES, nameFew, type DiscoveryProblem } from './discovery-problem';
import type { ListedObject } from './listed-object';
import { hiveDaySpelling, partitionType } from './partition-type';

/** The column a day folder becomes (Statsig day folders, Segment received-day folders). */
const DAY_FOLDER_KEY = 'date';

export interface TableLayoutInput {
  objects: ListedObject[];
  partitioning: Partitioning;
  /** The table is a Segment source folder (`segment-logs/<source-id>/`). */
  segmentSource: boolean;
}

export interface TableLayoutResult {
  layout: TableLayout;
  partitioned: boolean;
  partitionKeys: PartitionKey[];
  dayKey?: string;
  dayFormat?: DayFormat;
  /** The table's data files (ignored and stray files removed). */
  dataFiles: ListedObject[];
  ignoredCount: number;
  problems: DiscoveryProblem[];
}

type Shape = { id: string; kind: 'flat' } | { id: string; kind: 'hive'; keys: string[] } | { id: string; kind: 'day'; format: DayFormat };

/** Where a file sits: directly or in plain folders, below Hive folders, or in a day folder. */
function shapeOf(key: string, partitioning: Partitioning): Shape {
  const dirs = key.split('/').slice(0, -1);
  if (partitioning === 'none' || dirs.length === 0) return { id: 'flat', kind: 'flat' };
  const hive = dirs.map(parseHiveSegment);
  if (hive.every((h) => h !== undefined)) {
    const keys = hive.map((h) => h.key);
    return { id: `hive:${keys.join('/')}`, kind: 'hive', keys };
  }
  const day = dirs.length === 1 ? parseDayFolder(dirs[0]!) : undefined;
  if (day) return { id: `day:${day.format}`, kind: 'day', format: day.format };
  return { id: 'flat', kind: 'flat' };
}

function ignoredProblem(ignored: Map<string, string[]>): DiscoveryProblem | undefined {
  const all = [...ignored.values()].flat();
  if (all.length === 0) return undefined;
  const parts = [...ignored.entries()].map(([reason, keys]) => `${keys.length} ${reason}${keys.length === 1 ? '' : 's'}`);
  return {
    kind: 'ignored-files',
    message: `ignored ${parts.join(', ')}: ${nameFew(all)}`,
    files: all.slice(0, MAX_NAMED_FILES),
    fileCount: all.length,
  };
}

/**
 * Reads a table's layout from its listing: Hive `key=value/` levels, day folders (Statsig),
 * Segment's received-day folders, or flat. The shape most files share wins; files in another
 * shape are left out and reported, so one stray upload cannot change how a table is read.
 */
export function analyzeTableLayout({ objects, partitioning, segmentSource }: TableLayoutInput): TableLayoutResult {
  const ignored = new Map<string, string[]>();
  const candidates: { object: ListedObject; shape: Shape }[] = [];
  for (const object of objects) {
    const reason = ignoredTableFileReason(object.key, object.size);
    if (reason) {
      ignored.set(reason, [...(ignored.get(reason) ?? []), object.key]);
      continue;
    }
    candidates.push({ object, shape: shapeOf(object.key, partitioning) });
  }
  const counts = new Map<string, { shape: Shape; n: number }>();
  for (const { shape } of candidates) counts.set(shape.id, { shape, n: (counts.get(shape.id)?.n ?? 0) + 1 });
  // Most files wins; on a tie a partitioned shape beats flat, then the id decides (deterministic).
  const ranked = [...counts.values()].sort((a, b) =>
    b.n - a.n || Number(a.shape.kind === 'flat') - Number(b.shape.kind === 'flat') || a.shape.id.localeCompare(b.shape.id));
  const winner: Shape = ranked[0]?.shape ?? { id: 'flat', kind: 'flat' };
  const problems: DiscoveryProblem[] = [];
  const ignoredIssue = ignoredProblem(ignored);
  if (ignoredIssue) problems.push(ignoredIssue);

  // A flat table reads partition-looking folders as plain folders: nothing is stray.
  const dataFiles = winner.kind === 'flat' ? candidates.map((c) => c.object) : candidates.filter((c) => c.shape.id === winner.id).map((c) => c.object);
  const stray = winner.kind === 'flat' ? [] : candidates.filter((c) => c.shape.id !== winner.id).map((c) => c.object.key);
  if (stray.length > 0) {
    problems.push({
      kind: 'inconsistent-partitions',
      message: `${stray.length} file${stray.length === 1 ? '' : 's'} outside the table's ${describeShape(winner)} left out: ${nameFew(stray)}`,
      files: stray.slice(0, MAX_NAMED_FILES),
      fileCount: stray.length,
    });
  }
  const base = { dataFiles, ignoredCount: [...ignored.values()].flat().length, problems };

  if (winner.kind === 'hive') {
    let day: { key: string; format?: DayFormat } | undefined;
    const partitionKeys = winner.keys.map((name, level) => {
      const values = [...new Set(dataFiles.map((f) => parseHiveSegment(f.key.split('/')[level]!)!.value))].sort();
      const spelling = hiveDaySpelling(name, values);
      if (!spelling) return { name, type: partitionType(values, name), values };
      // A day key in any spelling the planner reads (dt=20250101 too) is recorded as ISO days,
      // with its spelling when there is one, so an import lists just the day's folder.
      day ??= { key: name, ...(spelling !== 'mixed' ? { format: spelling } : {}) };
      return { name, type: 'DATE', values: [...new Set(values.map((v) => parseDayFolder(v)!.day))].sort() };
    });
    return {
      layout: 'hive', partitioned: true, partitionKeys,
      ...(day ? { dayKey: day.key } : {}), ...(day?.format ? { dayFormat: day.format } : {}), ...base,
    };
  }
  if (winner.kind === 'day') {
    const values = [...new Set(dataFiles.map((f) => parseDayFolder(f.key.split('/')[0]!)!.day))].sort();
    return {
      layout: segmentSource ? 'segment-logs' : 'day-folders',
      partitioned: true,
      partitionKeys: [{ name: DAY_FOLDER_KEY, type: 'DATE', values }],
      dayKey: DAY_FOLDER_KEY,
      dayFormat: winner.format,
      ...base,
    };
  }
  if (partitioning === 'dated-folders' && dataFiles.length > 0) {
    problems.push({ kind: 'no-day-folders', message: 'the connection expects day folders, but this table has none: read as unpartitioned' });
  }
  return { layout: 'flat', partitioned: false, partitionKeys: [], ...base };
}

function describeShape(shape: Shape): string {
  if (shape.kind === 'hive') return `partition folders ${shape.keys.map((k) => `${k}=…/`).join('')}`;
  if (shape.kind === 'day') return `day folders (${shape.format})`;
  return 'layout';
}
