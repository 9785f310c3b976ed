/**
 * Where exported objects go, as pure functions (workflow-safe). Segment's layout:
 * `{prefix}/segment-logs/{source-id}/{received-day}/{file}.gz`, received-day being the UTC day's
 * unix timestamp in milliseconds; the Statsig-style layout: `{prefix}/{dataset}/{YYYY-MM-DD}/{file}.parquet`.
 * File names are deterministic per (window, batch), so a re-run overwrites its own objects.
 */

export const HOUR_MS = 3_600_000;
export type ExportFormat = 'segment' | 'parquet';

/** The start (unix ms) of the hourly window holding `ms`. */
export function windowStartOf(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** `2025-06-01T13:00:00.000Z`. */
export function windowLabel(windowStart: number): string {
  return new Date(windowStart).toISOString();
}

/** Every window start in [from, to), hour by hour. */
export function windowsBetween(fromMs: number, toMs: number): number[] {
  const windows: number[] = [];
  for (let w = windowStartOf(fromMs); w < toMs; w += HOUR_MS) windows.push(w);
  return windows;
}

/** Joins path parts, dropping empty ones (an empty prefix adds no leading slash). */
function joinKey(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

/** The folder of a window's day: Segment's received-day (unix ms of the UTC day) or an ISO day. */
export function dayFolder(format: ExportFormat, windowStart: number): string {
  const dayStart = Math.floor(windowStart / 86_400_000) * 86_400_000;
  return format === 'segment' ? String(dayStart) : new Date(dayStart).toISOString().slice(0, 10);
}

/** The folder a source's (or dataset's) files go under. */
export function sourceFolder(prefix: string, format: ExportFormat, sourceId: string): string {
  return format === 'segment' ? joinKey(prefix, 'segment-logs', sourceId) : joinKey(prefix, sourceId);
}

/** What every file of one window starts with: `.../{day}/s3bridge-20250601T13-`. */
export function windowKeyPrefix(prefix: string, format: ExportFormat, sourceId: string, windowStart: number): string {
  const hour = new Date(windowStart).toISOString().slice(0, 13).replaceAll('-', '');
  return `${joinKey(sourceFolder(prefix, format, sourceId), dayFolder(format, windowStart))}/s3bridge-${hour}-`;
}

/** The key of one batch file of a window: `...-0000.gz` or `...-0000.parquet`. */
export function exportObjectKey(prefix: string, format: ExportFormat, sourceId: string, windowStart: number, batch: number): string {
  return `${windowKeyPrefix(prefix, format, sourceId, windowStart)}${String(batch).padStart(4, '0')}.${format === 'segment' ? 'gz' : 'parquet'}`;
}

/** The batch number of a key under a window's prefix, or undefined for another file. */
export function batchOfKey(windowPrefix: string, key: string): number | undefined {
  if (!key.startsWith(windowPrefix)) return undefined;
  const match = /^(\d{4,})\.(gz|parquet)$/.exec(key.slice(windowPrefix.length));
  return match ? Number(match[1]) : undefined;
}

/** Whether `key` is a window's batch file in a stream's folder: `{folder}/{day}/s3bridge-20250601T13-0000.gz` (or `.parquet`). */
export function isBatchKeyIn(folder: string, key: string): boolean {
  if (!key.startsWith(`${folder}/`)) return false;
  return /^(\d+|\d{4}-\d{2}-\d{2})\/s3bridge-\d{8}T\d{2}-\d{4,}\.(gz|parquet)$/.test(key.slice(folder.length + 1));
}

/** Segment's migration test prefix: a destination's prefix plus `segment-logs/test`. */
export function testPrefixOf(prefix: string): string {
  return joinKey(prefix, 'segment-logs', 'test');
}
