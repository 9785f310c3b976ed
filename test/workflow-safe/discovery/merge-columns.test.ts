import { describe, expect, it } from 'vitest';
import { mergeColumns } from '../../../src/workflow-safe/discovery/merge-columns';
import { partitionType } from '../../../src/workflow-safe/discovery/partition-type';

describe('mergeColumns', () => {
  it('unions by name in file order, widens conflicts naming the files, appends partition columns', () => {
    const result = mergeColumns(
      [
        { key: 'b.parquet', columns: [{ name: 'id', type: 'BIGINT' }, { name: 'amount', type: 'DOUBLE' }, { name: 'extra', type: 'VARCHAR' }] },
        { key: 'a.parquet', columns: [{ name: 'id', type: 'INTEGER' }, { name: 'amount', type: 'BIGINT' }] },
      ],
      [{ name: 'date', type: 'DATE', values: ['2025-01-01'] }],
    );
    expect(result.columns).toEqual([
      { name: 'id', type: 'BIGINT' }, { name: 'amount', type: 'DOUBLE' }, { name: 'extra', type: 'VARCHAR' }, { name: 'date', type: 'DATE' },
    ]);
    expect(result.problems.map((p) => p.message)).toEqual([
      'column "id" has different types: INTEGER in a.parquet; BIGINT in b.parquet; read as BIGINT',
      'column "amount" has different types: BIGINT in a.parquet; DOUBLE in b.parquet; read as DOUBLE',
    ]);
  });

  it('keeps a file column named like a partition key as the one partition column, saying its values must agree; NDJSON kinds meet in JSON', () => {
    const files = [{ key: 'a.ndjson', columns: [{ name: 'Date', type: 'DATE' }, { name: 'doc', type: 'BIGINT' }] }, { key: 'b.ndjson', columns: [{ name: 'doc', type: 'VARCHAR' }] }];
    const result = mergeColumns(files, [{ name: 'date', type: 'DATE', values: ['2025-01-01'] }], 'ndjson');
    expect(result.columns).toEqual([{ name: 'doc', type: 'JSON' }, { name: 'date', type: 'DATE' }]);
    expect(result.problems.map((p) => p.message)).toEqual([
      'column "Date" is both in the files and a partition folder: one column, whose file values must equal the folder\'s (rows where they differ are bad rows at import)',
      'column "doc" has different types: BIGINT in a.ndjson; VARCHAR in b.ndjson; read as JSON',
    ]);
  });

  it('types partition values from all of them', () => {
    expect(partitionType(['2025-01-01', '2025-01-02'])).toBe('DATE');
    expect(partitionType(['1', '22'])).toBe('BIGINT');
    expect(partitionType(['1.5', '2'])).toBe('DOUBLE');
    expect(partitionType(['EU', '1'])).toBe('VARCHAR');
    expect(partitionType(['20250101'])).toBe('BIGINT');
  });
});
