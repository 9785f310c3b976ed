import { describe, expect, it } from 'vitest';
import { fitsType, widenColumnType } from '../../src/import/column-types';

describe('column types', () => {
  it('says which source types fit a warehouse column without loss', () => {
    const cases: [string, string][] = [
      ['INTEGER', 'BIGINT'], ['BIGINT', 'INTEGER'], ['BIGINT', 'DOUBLE'], ['DECIMAL(18,1)', 'DOUBLE'], ['DECIMAL(9,1)', 'DECIMAL(18,1)'],
      ['DECIMAL(21,1)', 'DECIMAL(18,1)'], ['DECIMAL(10,3)', 'DECIMAL(18,2)'], ['DATE', 'TIMESTAMP'], ['VARCHAR', 'BIGINT'], ['BIGINT', 'VARCHAR'],
    ];
    expect(cases.map(([from, to]) => fitsType(from, to))).toEqual([true, false, true, true, true, false, false, true, false, true]);
  });

  it('widens an evolved column to the narrowest type holding both', () => {
    expect([
      widenColumnType('INTEGER', 'BIGINT'), widenColumnType('DECIMAL(18,1)', 'DECIMAL(21,1)'), widenColumnType('BIGINT', 'DECIMAL(18,1)'),
      widenColumnType('BIGINT', 'VARCHAR'), widenColumnType('DATE', 'BOOLEAN'),
    ]).toEqual(['BIGINT', 'DECIMAL(21,1)', 'DOUBLE', 'VARCHAR', 'VARCHAR']);
  });
});
