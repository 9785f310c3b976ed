import { describe, expect, it } from 'vitest';
import type { DiscoveredTable } from '../../../src/workflow-safe/catalog/discovered-table';
import { daySelected, locatePartition, matchesFormat } from '../../../src/workflow-safe/import/locate-partition';

const table = (t: Partial<DiscoveredTable>): DiscoveredTable => ({
  connection: 'c', name: 't', prefix: 'data/t/', layout: 'hive', format: 'parquet', partitionKeys: [], columns: [],
  fileCount: 0, totalBytes: 0, discoveredAt: '2026-01-01T00:00:00Z', ...t,
});

describe('locatePartition', () => {
  it('reads the day from a Hive key at any level, with the other partition values', () => {
    const t = table({ dayKey: 'date', partitionKeys: [{ name: 'region', type: 'VARCHAR', values: [] }, { name: 'date', type: 'DATE', values: [] }] });
    expect(locatePartition(t, 'data/t/region=EU/date=2025-01-02/part-0.parquet'))
      .toEqual({ unit: '2025-01-02', day: '2025-01-02', values: { region: 'EU', date: '2025-01-02' } });
    expect(locatePartition(t, 'data/t/region=EU/part-0.parquet')).toBeUndefined();
  });

  it('reads Statsig day folders and Segment received-day folders in their spelling', () => {
    const statsig = table({ layout: 'day-folders', dayKey: 'date', dayFormat: 'YYYYMMDD', partitionKeys: [{ name: 'date', type: 'DATE', values: [] }] });
    expect(locatePartition(statsig, 'data/t/20250131/part-0.parquet')).toEqual({ unit: '2025-01-31', day: '2025-01-31', values: { date: '2025-01-31' } });
    const segment = table({
      layout: 'segment-logs', format: 'ndjson.gz', dayKey: 'received_day', dayFormat: 'unix-millis',
      partitionKeys: [{ name: 'source_id', type: 'VARCHAR', values: [] }, { name: 'received_day', type: 'DATE', values: [] }],
    });
    expect(locatePartition(segment, 'data/t/src1/1738540800000/a.gz'))
      .toEqual({ unit: '2025-02-03', day: '2025-02-03', values: { source_id: 'src1', received_day: '2025-02-03' } });
  });

  it('puts every file of a table without a day partition in the one unit "all"', () => {
    expect(locatePartition(table({ layout: 'flat' }), 'data/t/sub/x.parquet')).toEqual({ unit: 'all', day: null, values: {} });
  });

  it('matches extensions to the table format and selects days', () => {
    expect([matchesFormat('a/b.csv.gz', 'csv.gz'), matchesFormat('a/b.parquet', 'csv'), matchesFormat('a/part-00000', 'parquet')]).toEqual([true, false, true]);
    expect(['2025-01-01', '2025-01-05', '2025-01-09'].filter((d) => daySelected(d, { from: '2025-01-02', to: '2025-01-09', earliest: '2025-01-03' })))
      .toEqual(['2025-01-05', '2025-01-09']);
  });
});
