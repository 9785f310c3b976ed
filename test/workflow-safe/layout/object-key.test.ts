import { describe, expect, it } from 'vitest';
import { ignoredTableFileReason, parseHiveSegment } from '../../../src/workflow-safe/layout/object-key';

describe('ignoredTableFileReason', () => {
  it.each([
    ['date=2025-01-01/_SUCCESS', 10, 'marker file'],
    ['date=2025-01-01/part-0.parquet.crc', 10, 'checksum file'],
    ['date=2025-01-01/.part-0.parquet', 10, 'hidden file'],
    ['date=2025-01-01/part-0.parquet', 0, 'zero-byte file'],
    ['_temporary/0/part-0.parquet', 10, 'file in a hidden folder'],
    ['date=2025-01-01/.spark-staging/part-0.parquet', 10, 'file in a hidden folder'],
  ])('%s (%i bytes) is not data: %s', (key, size, reason) => {
    expect(ignoredTableFileReason(key, size)).toBe(reason);
  });

  it('keeps data files, including in partition folders', () => {
    expect(ignoredTableFileReason('date=2025-01-01/region=EU/part-0.parquet', 10)).toBeUndefined();
    expect(ignoredTableFileReason('part-0.csv.gz', 10)).toBeUndefined();
  });
});

describe('parseHiveSegment', () => {
  it('reads key=value and decodes Hive escapes', () => {
    expect(parseHiveSegment('region=EU%2FWest')).toEqual({ key: 'region', value: 'EU/West' });
    expect(parseHiveSegment('2025-01-01')).toBeUndefined();
    expect(parseHiveSegment('=x')).toBeUndefined();
  });
});
