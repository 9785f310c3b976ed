import type { S3Client } from '@aws-sdk/client-s3';
import type { DiscoveredTable } from '../workflow-safe/catalog/discovered-table';
import type { DataFormat } from '../workflow-safe/connection';
import { ignoredTableFileReason } from '../workflow-safe/layout/object-key';
import { locatePartition, matchesFormat, type FilePartition } from '../workflow-safe/import/locate-partition';
import { toS3Failure } from '../s3/classify-s3-error';
import { formatDayFolder } from '../workflow-safe/layout/day-folder';
import { WHOLE_TABLE_UNIT } from '../workflow-safe/workflow-ids';
import type { SourceFile } from '../workflow-safe/import/source-file';
import { listObjectsPage } from '../s3/list-objects-page';
import { ListingGuard } from '../s3/listing-guard';

export interface UnitFiles {
  unit: string;
  day: string | null;
  files: (SourceFile & { partition: FilePartition })[];
}

/**
 * Lists a table's data files grouped by day partition (paginated ListObjectsV2). `onlyUnit`
 * narrows the listing to one day's folder when the day is the table's first folder level.
 */
export async function listTableFiles(
  s3: S3Client,
  bucket: string,
  table: DiscoveredTable,
  options: { onlyUnit?: string; onPage?: (listed: number) => void; connectionFormat?: DataFormat } = {},
): Promise<Map<string, UnitFiles>> {
  const units = new Map<string, UnitFiles>();
  let token: string | undefined;
  let listed = 0;
  const prefix = narrowedPrefix(table, options.onlyUnit);
  const guard = new ListingGuard(`s3://${bucket}/${prefix}`);
  do {
    let page;
    try {
      page = await listObjectsPage(s3, { Bucket: bucket, Prefix: prefix, ContinuationToken: token });
    } catch (error) {
      throw toS3Failure(error, `listing s3://${bucket}/${prefix}`);
    }
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? '';
      const size = object.Size ?? 0;
      if (!key || ignoredTableFileReason(key.slice(table.prefix.length), size) !== undefined || !matchesFormat(key, table.format, options.connectionFormat)) continue;
      const partition = locatePartition(table, key);
      if (!partition || (options.onlyUnit !== undefined && partition.unit !== options.onlyUnit)) continue;
      let unit = units.get(partition.unit);
      if (!unit) {
        unit = { unit: partition.unit, day: partition.day, files: [] };
        units.set(partition.unit, unit);
      }
      unit.files.push({ key, etag: (object.ETag ?? '').replaceAll('"', ''), size, partition });
    }
    listed += page.KeyCount ?? 0;
    options.onPage?.(listed);
    token = guard.next(page);
  } while (token);
  for (const unit of units.values()) unit.files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return units;
}

/**
 * One day lives under one folder when the day is the table's first folder level: list only
 * that folder (`dt=20250101/`, `2025-01-01/`, Segment's `1735689600000/`), spelled the way
 * discovery recorded. Without a recorded spelling (mixed spellings) the whole table is listed.
 */
function narrowedPrefix(table: DiscoveredTable, unit: string | undefined): string {
  if (!unit || unit === WHOLE_TABLE_UNIT || !table.dayKey) return table.prefix;
  if (table.layout === 'day-folders' || table.layout === 'segment-logs') {
    return table.dayFormat ? `${table.prefix}${formatDayFolder(unit, table.dayFormat)}/` : table.prefix;
  }
  if (table.layout !== 'hive' || table.partitionKeys[0]?.name !== table.dayKey) return table.prefix;
  // Catalogs written before Hive spellings were recorded held ISO days only.
  const format = table.dayFormat ?? (table.partitionKeys[0].values.every((v) => /^\d{4}-\d{2}-\d{2}$/.test(v)) ? 'YYYY-MM-DD' : undefined);
  return format ? `${table.prefix}${table.dayKey}=${formatDayFolder(unit, format)}/` : table.prefix;
}
