import type { DiscoveredTable, FileFormat } from '../catalog/discovered-table';
import type { DataFormat } from '../connection';
import { parseDayFolder } from '../layout/day-folder';
import { parseHiveSegment } from '../layout/object-key';
import { extensionFits, formatFromKey } from '../formats/file-format';
import { WHOLE_TABLE_UNIT } from '../workflow-ids';

/** Where a data file sits in its table: its unit (ISO day, or "all") and partition values by key. */
export interface FilePartition {
  unit: string;
  day: string | null;
  /** Partition column values as written in the path (the day key as an ISO day). */
  values: Record<string, string>;
}

/**
 * Whether a key's extension fits the table's format; files of other formats are left to
 * discovery's report. Files without an extension are the table's only when the connection
 * names a format, as discovery reads them (Hive writers often name parts "part-00000").
 */
export function matchesFormat(key: string, format: FileFormat, connectionFormat: DataFormat = format): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  // The same extensions discovery reads formats from; a bare `.gz` fits either gzipped format.
  if (formatFromKey(name) === undefined) return connectionFormat !== 'auto';
  return extensionFits(name, format);
}

/**
 * Places a data file in its day partition. Hive layouts take the day from the `dayKey=` folder;
 * day folders and Segment's received-day folders from the first folder spelled in `dayFormat`.
 * Returns undefined for a file outside any day of a day-partitioned table.
 */
export function locatePartition(table: DiscoveredTable, key: string): FilePartition | undefined {
  const folders = key.slice(table.prefix.length).split('/').slice(0, -1);
  const values: Record<string, string> = {};
  let day: string | null = null;
  if (table.layout === 'hive') {
    for (const folder of folders) {
      const segment = parseHiveSegment(folder);
      if (!segment) continue;
      const type = table.partitionKeys.find((k) => k.name === segment.key)?.type;
      // DATE keys are recorded as ISO days whatever their folders' spelling.
      values[segment.key] = type === 'DATE' ? (parseDayFolder(segment.value)?.day ?? segment.value) : segment.value;
      if (segment.key === table.dayKey) {
        const parsed = parseDayFolder(segment.value);
        // The spelling discovery recorded, when it recorded one: the same folders discovery counted.
        day = parsed && (table.dayFormat === undefined || parsed.format === table.dayFormat) ? parsed.day : null;
      }
    }
  } else if (table.layout !== 'flat') {
    // Non-Hive folders are positional: the partition keys name the folders in order.
    folders.forEach((folder, index) => {
      const parsed = parseDayFolder(folder);
      if (day === null && parsed && (table.dayFormat === undefined || parsed.format === table.dayFormat)) {
        day = parsed.day;
        if (table.dayKey) values[table.dayKey] = parsed.day;
        return;
      }
      const name = table.partitionKeys[index]?.name;
      if (name && name !== table.dayKey) values[name] = folder;
    });
  }
  if (!table.dayKey) return { unit: WHOLE_TABLE_UNIT, day: null, values };
  if (day === null) return undefined;
  if (table.dayKey) values[table.dayKey] = day;
  return { unit: day, day, values };
}

/** Whether a day falls within the import's selection. */
export function daySelected(day: string, selection: { from?: string; to?: string; earliest?: string }): boolean {
  if (selection.earliest && day < selection.earliest) return false;
  if (selection.from && day < selection.from) return false;
  if (selection.to && day > selection.to) return false;
  return true;
}
