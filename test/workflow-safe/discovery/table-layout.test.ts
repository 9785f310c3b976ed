import { describe, expect, it } from 'vitest';
import { analyzeTableLayout } from '../../../src/workflow-safe/discovery/table-layout';
import type { ListedObject } from '../../../src/workflow-safe/discovery/listed-object';

const files = (...keys: string[]): ListedObject[] => keys.map((key, i) => ({ key, size: 10, lastModified: i }));

describe('analyzeTableLayout', () => {
  it('reads two Hive levels with typed keys and the day key', () => {
    const result = analyzeTableLayout({
      objects: files('date=2025-01-01/hour=3/a.parquet', 'date=2025-01-02/hour=12/b.parquet', 'date=2025-01-02/hour=3/c.parquet'),
      partitioning: 'auto', segmentSource: false,
    });
    expect(result).toMatchObject({
      layout: 'hive', partitioned: true, dayKey: 'date',
      partitionKeys: [
        { name: 'date', type: 'DATE', values: ['2025-01-01', '2025-01-02'] },
        { name: 'hour', type: 'BIGINT', values: ['12', '3'] },
      ],
      problems: [],
    });
  });

  it('leaves out files outside the winning partition shape and names them', () => {
    const result = analyzeTableLayout({ objects: files('region=EU/a.csv', 'region=US/b.csv', 'stray.csv'), partitioning: 'auto', segmentSource: false });
    expect(result.dataFiles.map((f) => f.key)).toEqual(['region=EU/a.csv', 'region=US/b.csv']);
    expect(result.problems).toEqual([{
      kind: 'inconsistent-partitions',
      message: "1 file outside the table's partition folders region=…/ left out: stray.csv",
      files: ['stray.csv'],
      fileCount: 1,
    }]);
  });

  it('reads day folders in every spelling, and Segment received-day folders', () => {
    expect(analyzeTableLayout({ objects: files('20250101/a.parquet', '20250102/b.parquet'), partitioning: 'auto', segmentSource: false }))
      .toMatchObject({ layout: 'day-folders', dayKey: 'date', dayFormat: 'YYYYMMDD', partitionKeys: [{ name: 'date', type: 'DATE', values: ['2025-01-01', '2025-01-02'] }] });
    expect(analyzeTableLayout({ objects: files('1735689600000/a.gz'), partitioning: 'auto', segmentSource: true }))
      .toMatchObject({ layout: 'segment-logs', dayFormat: 'unix-millis', partitionKeys: [{ values: ['2025-01-01'] }] });
  });

  it('with partitioning "none" reads partition folders as plain folders', () => {
    expect(analyzeTableLayout({ objects: files('date=2025-01-01/a.parquet', '2025-01-02/b.parquet'), partitioning: 'none', segmentSource: false }))
      .toMatchObject({ layout: 'flat', partitioned: false, partitionKeys: [], problems: [] });
  });

  it('with partitioning "dated-folders" reports a table without day folders', () => {
    expect(analyzeTableLayout({ objects: files('a.parquet'), partitioning: 'dated-folders', segmentSource: false }).problems)
      .toEqual([{ kind: 'no-day-folders', message: 'the connection expects day folders, but this table has none: read as unpartitioned' }]);
  });

  it('ignores markers, checksums, hidden folders and zero-byte files', () => {
    const result = analyzeTableLayout({
      objects: [...files('_SUCCESS', 'a.parquet.crc', '_temporary/0/a.parquet', 'a.parquet'), { key: 'empty.parquet', size: 0, lastModified: 0 }],
      partitioning: 'auto', segmentSource: false,
    });
    expect(result.dataFiles.map((f) => f.key)).toEqual(['a.parquet']);
    expect(result.ignoredCount).toBe(4);
    expect(result.problems[0]?.message).toBe('ignored 1 marker file, 1 checksum file, 1 file in a hidden folder, 1 zero-byte file: _SUCCESS, a.parquet.crc, _temporary/0/a.parquet, empty.parquet');
  });
});
