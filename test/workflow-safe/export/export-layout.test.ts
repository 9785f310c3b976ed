import { describe, expect, it } from 'vitest';
import { batchOfKey, dayFolder, exportObjectKey, isBatchKeyIn, testPrefixOf, windowKeyPrefix, windowsBetween, windowStartOf } from '../../../src/workflow-safe/export/export-layout';
import { clockOf, ExportInput } from '../../../src/workflow-safe/export/export-input';
import { MigrateDestinationInput } from '../../../src/workflow-safe/export/migration';
import { formatZodIssues } from '../../../src/workflow-safe/input-errors';

const W = Date.parse('2025-06-01T13:00:00Z');

describe('export layout', () => {
  it('builds Segment\'s keys: {prefix}/segment-logs/{source-id}/{received-day in unix ms}/{file}.gz', () => {
    expect(exportObjectKey('path/prefix', 'segment', 'web', W, 0)).toBe('path/prefix/segment-logs/web/1748736000000/s3bridge-20250601T13-0000.gz');
    expect(exportObjectKey('', 'segment', 'web', W, 12)).toBe('segment-logs/web/1748736000000/s3bridge-20250601T13-0012.gz');
    expect(dayFolder('segment', W)).toBe(String(Date.parse('2025-06-01T00:00:00Z')));
  });

  it('builds Statsig-style Parquet keys: {prefix}/{dataset}/{YYYY-MM-DD}/', () => {
    expect(exportObjectKey('exports', 'parquet', 'events', W, 1)).toBe('exports/events/2025-06-01/s3bridge-20250601T13-0001.parquet');
  });

  it('reads the batch number back only from files of the same window', () => {
    const prefix = windowKeyPrefix('p', 'segment', 'web', W);
    expect(batchOfKey(prefix, `${prefix}0003.gz`)).toBe(3);
    expect(batchOfKey(prefix, `${prefix}0003.gz.tmp`)).toBeUndefined();
    expect(batchOfKey(prefix, windowKeyPrefix('p', 'segment', 'web', W + 3_600_000) + '0000.gz')).toBeUndefined();
  });

  it('tells a stream\'s own batch files from anything else in or below its folder', () => {
    const folder = 'p/segment-logs/test/segment-logs/events';
    expect(isBatchKeyIn(folder, `${folder}/1748736000000/s3bridge-20250601T13-0000.gz`)).toBe(true);
    expect(isBatchKeyIn('p/events', 'p/events/2025-06-01/s3bridge-20250601T13-0012.parquet')).toBe(true);
    // A stream nested below the folder, a file someone else put there, another folder with the same start.
    expect(isBatchKeyIn(folder, `${folder}/x/segment-logs/events/1748736000000/s3bridge-20250601T13-0000.gz`)).toBe(false);
    expect(isBatchKeyIn(folder, `${folder}/1748736000000/notes.txt`)).toBe(false);
    expect(isBatchKeyIn(folder, `${folder}-2/1748736000000/s3bridge-20250601T13-0000.gz`)).toBe(false);
  });

  it('counts hourly windows and puts the test prefix where Segment\'s migration guide does', () => {
    expect(windowStartOf(W + 59 * 60_000)).toBe(W);
    expect(windowsBetween(W, W + 3 * 3_600_000)).toEqual([W, W + 3_600_000, W + 7_200_000]);
    expect(testPrefixOf('')).toBe('segment-logs/test');
    expect(testPrefixOf('path/prefix')).toBe('path/prefix/segment-logs/test');
  });
});

describe('export inputs', () => {
  it('accepts UTC hours in several spellings and pins the errors that name the field', () => {
    const parsed = ExportInput.parse({ destination: 'out', windows: { from: '2025-06-01', to: '2025-06-01T13:00:00Z' } });
    expect(parsed.windows).toEqual({ from: Date.parse('2025-06-01T00:00:00Z'), to: W });
    expect(parsed).toMatchObject({ table: 'canonical.events', format: 'segment', maxFileBytes: 104_857_600, lookbackHours: 168 });
    const bad = ExportInput.safeParse({ destination: 'out', table: 'events', windows: { from: '2025-06-01T13:30', to: '2025-06-01T12' } });
    expect(formatZodIssues(bad.error!)).toBe([
      'table: expected "schema.table", e.g. "canonical.events" or "raw.shop__orders"',
      'windows.from: expected a UTC hour such as "2025-06-01T13" or "2025-06-01T13:00:00Z", or a day "2025-06-01" (its midnight)',
    ].join('\n'));
  });

  it('names the clock: received time for Segment\'s layout, event time for Parquet or a time column; refuses the combinations that contradict it', () => {
    expect(clockOf(ExportInput.parse({ destination: 'out' }))).toBe('received');
    expect(clockOf(ExportInput.parse({ destination: 'out', format: 'parquet' }))).toBe('event');
    expect(clockOf(ExportInput.parse({ destination: 'out', table: 'raw.orders', timeColumn: 'ordered_at' }))).toBe('event');
    expect(clockOf(ExportInput.parse({ destination: 'out', clock: 'event' }))).toBe('event');
    const issues = (input: object) => formatZodIssues(ExportInput.safeParse({ destination: 'out', ...input }).error!);
    expect(issues({ format: 'parquet', clock: 'received' })).toBe(
      'clock: the parquet format files rows under their own day ({dataset}/{YYYY-MM-DD}/): it exports by event time; drop "clock" or set "event"');
    expect(issues({ clock: 'received', timeColumn: 'ts' })).toBe(
      'timeColumn: timeColumn places rows by event time, but "clock" is "received" (rows placed by the hour s3bridge committed them): drop timeColumn, or set "clock": "event"');
    expect(issues({ clock: 'now' })).toBe('clock: clock must be "received" (the hour s3bridge committed the row) or "event" (the hour of its timeColumn)');
    // Segment's migration test folder is <prefix>/segment-logs/test: no real stream may be the source "test".
    expect(issues({ sourceId: 'test' })).toBe(
      'sourceId: the source ID "test" is reserved: <prefix>/segment-logs/test is a migration\'s test folder (Segment\'s guide); give another sourceId');
    expect(issues({ table: 'raw.test' })).toBe(
      'sourceId: the source ID "test" (the table\'s name) is reserved: <prefix>/segment-logs/test is a migration\'s test folder (Segment\'s guide); give another sourceId');
    expect(ExportInput.safeParse({ destination: 'out', format: 'parquet', sourceId: 'test' }).success).toBe(true);
    expect(formatZodIssues(MigrateDestinationInput.safeParse({ from: 'a', to: 'b', export: { sourceId: 'test' } }).error!)).toContain('export.sourceId: the source ID "test" is reserved');
  });

  it('refuses a migration to the same destination and a bad overlap', () => {
    const bad = MigrateDestinationInput.safeParse({ from: 'a', to: 'a', overlap: 'soon' });
    expect(formatZodIssues(bad.error!)).toContain('overlap: expected a duration such as "1 hour", "90s" or "5 seconds"');
    const same = MigrateDestinationInput.safeParse({ from: 'a', to: 'a' });
    expect(formatZodIssues(same.error!)).toBe('to: "from" and "to" must be different destinations');
  });
});
