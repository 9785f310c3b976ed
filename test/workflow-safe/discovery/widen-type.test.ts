import { describe, expect, it } from 'vitest';
import { widenType } from '../../../src/workflow-safe/discovery/widen-type';

describe('widenType', () => {
  it('widens where safe: int to bigint to double, dates to timestamp, nested to JSON, the rest to varchar', () => {
    expect(widenType('INTEGER', 'BIGINT')).toBe('BIGINT');
    expect(widenType('BIGINT', 'DOUBLE')).toBe('DOUBLE');
    expect(widenType('DECIMAL(10,2)', 'BIGINT')).toBe('DOUBLE');
    expect(widenType('DATE', 'TIMESTAMP')).toBe('TIMESTAMP');
    expect(widenType('STRUCT(a BIGINT)', 'STRUCT(b VARCHAR)')).toBe('JSON');
    expect(widenType('BIGINT', 'VARCHAR')).toBe('VARCHAR');
    expect(widenType('BOOLEAN', 'DATE')).toBe('VARCHAR');
    expect(widenType('"NULL"', 'BIGINT')).toBe('BIGINT');
  });
});
