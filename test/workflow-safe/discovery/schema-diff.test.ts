import { describe, expect, it } from 'vitest';
import { diffCatalog, isSchemaChange } from '../../../src/workflow-safe/discovery/schema-diff';
import type { DiscoveredTable } from '../../../src/workflow-safe/catalog/discovered-table';

const table = (name: string, overrides: Partial<DiscoveredTable> = {}): DiscoveredTable => ({
  connection: 'c', name, prefix: `${name}/`, layout: 'hive', format: 'parquet',
  partitionKeys: [{ name: 'date', type: 'DATE', values: ['2025-01-01'] }], dayKey: 'date',
  columns: [{ name: 'id', type: 'BIGINT' }, { name: 'date', type: 'DATE' }],
  fileCount: 1, totalBytes: 1, discoveredAt: '2025-01-01T00:00:00.000Z', ...overrides,
});

describe('diffCatalog', () => {
  it('reports tables added and removed, columns added and removed, type changes and new partition values', () => {
    const diff = diffCatalog(
      [table('kept'), table('gone')],
      [
        table('kept', {
          columns: [{ name: 'id', type: 'VARCHAR' }, { name: 'score', type: 'DOUBLE' }, { name: 'date', type: 'DATE' }],
          partitionKeys: [{ name: 'date', type: 'DATE', values: ['2025-01-01', '2025-01-02'] }],
        }),
        table('new'),
      ],
    );
    expect(diff).toEqual({
      tablesAdded: ['new'],
      tablesRemoved: ['gone'],
      tablesChanged: [{
        name: 'kept',
        columnsAdded: [{ name: 'score', type: 'DOUBLE' }],
        columnsRemoved: [],
        typeChanges: [{ column: 'id', from: 'BIGINT', to: 'VARCHAR' }],
        newPartitionValues: [{ key: 'date', values: ['2025-01-02'] }],
      }],
    });
    expect(isSchemaChange(diff.tablesChanged[0]!)).toBe(true);
  });

  it('a new day alone is not a schema change', () => {
    const diff = diffCatalog([table('t')], [table('t', { partitionKeys: [{ name: 'date', type: 'DATE', values: ['2025-01-01', '2025-01-02'] }] })]);
    expect(diff.tablesChanged).toHaveLength(1);
    expect(isSchemaChange(diff.tablesChanged[0]!)).toBe(false);
  });
});
