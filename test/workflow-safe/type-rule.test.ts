import { describe, expect, it } from 'vitest';
import { fitsType, widenType } from '../../src/workflow-safe/type-rule';

// [a, b, fits(a -> b), fits(b -> a), widen(a, b) with the VARCHAR fallback, with the JSON fallback (NDJSON)]
const PAIRS: [string, string, boolean, boolean, string, string][] = [
  ['BIGINT', 'BIGINT', true, true, 'BIGINT', 'BIGINT'],
  ['INTEGER', 'BIGINT', true, false, 'BIGINT', 'BIGINT'],
  ['TINYINT', 'HUGEINT', true, false, 'HUGEINT', 'HUGEINT'],
  ['UTINYINT', 'SMALLINT', true, false, 'SMALLINT', 'SMALLINT'],
  ['INTEGER', 'UINTEGER', false, false, 'BIGINT', 'BIGINT'],
  ['UINTEGER', 'BIGINT', true, false, 'BIGINT', 'BIGINT'],
  ['BIGINT', 'UBIGINT', false, false, 'HUGEINT', 'HUGEINT'],
  ['UBIGINT', 'HUGEINT', true, false, 'HUGEINT', 'HUGEINT'],
  ['UHUGEINT', 'HUGEINT', false, false, 'DOUBLE', 'DOUBLE'],
  ['BIGINT', 'DOUBLE', true, false, 'DOUBLE', 'DOUBLE'],
  ['FLOAT', 'DOUBLE', true, false, 'DOUBLE', 'DOUBLE'],
  ['INTEGER', 'FLOAT', false, false, 'DOUBLE', 'DOUBLE'],
  ['DECIMAL(18,1)', 'DOUBLE', true, false, 'DOUBLE', 'DOUBLE'],
  ['DECIMAL(9,1)', 'DECIMAL(18,1)', true, false, 'DECIMAL(18,1)', 'DECIMAL(18,1)'],
  ['DECIMAL(10,3)', 'DECIMAL(18,2)', false, false, 'DECIMAL(19,3)', 'DECIMAL(19,3)'],
  ['INTEGER', 'DECIMAL(12,2)', true, false, 'DECIMAL(12,2)', 'DECIMAL(12,2)'],
  ['BIGINT', 'DECIMAL(18,1)', false, false, 'DECIMAL(20,1)', 'DECIMAL(20,1)'],
  ['HUGEINT', 'DECIMAL(38,10)', false, false, 'DOUBLE', 'DOUBLE'],
  ['DATE', 'TIMESTAMP', true, false, 'TIMESTAMP', 'TIMESTAMP'],
  ['DATE', 'TIMESTAMP WITH TIME ZONE', true, false, 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP WITH TIME ZONE'],
  ['TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', true, false, 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP WITH TIME ZONE'],
  ['TIMESTAMP_MS', 'TIMESTAMP', true, false, 'TIMESTAMP', 'TIMESTAMP'],
  ['TIMESTAMP_NS', 'TIMESTAMP', false, true, 'TIMESTAMP_NS', 'TIMESTAMP_NS'],
  ['TIME', 'TIMESTAMP', false, false, 'VARCHAR', 'JSON'],
  ['BIGINT', 'VARCHAR', true, false, 'VARCHAR', 'JSON'],
  ['DATE', 'BOOLEAN', false, false, 'VARCHAR', 'JSON'],
  ['BOOLEAN', 'BIGINT', false, false, 'VARCHAR', 'JSON'],
  ['BOOLEAN', 'JSON', true, false, 'JSON', 'JSON'],
  ['VARCHAR', 'JSON', false, true, 'VARCHAR', 'JSON'],
  ['BIGINT', 'JSON', true, false, 'JSON', 'JSON'],
  ['STRUCT(a BIGINT)', 'STRUCT(b VARCHAR)', false, false, 'JSON', 'JSON'],
  ['STRUCT(a BIGINT)', 'MAP(VARCHAR, BIGINT)', false, false, 'JSON', 'JSON'],
  ['BIGINT[]', 'VARCHAR[]', false, false, 'JSON', 'JSON'],
  ['BIGINT[]', 'VARCHAR', true, false, 'VARCHAR', 'JSON'],
  ['"NULL"', 'BIGINT', true, false, 'BIGINT', 'BIGINT'],
  ['NULL', 'VARCHAR', true, false, 'VARCHAR', 'VARCHAR'],
  ['BLOB', 'VARCHAR', true, false, 'VARCHAR', 'JSON'],
];

describe('the type rule', () => {
  it.each(PAIRS)('%s and %s', (a, b, fitsAB, fitsBA, widened, widenedJson) => {
    expect([fitsType(a, b), fitsType(b, a)]).toEqual([fitsAB, fitsBA]);
    expect([widenType(a, b), widenType(b, a)]).toEqual([widened, widened]);
    expect([widenType(a, b, 'JSON'), widenType(b, a, 'JSON')]).toEqual([widenedJson, widenedJson]);
  });

  it('widens a type with itself to itself, and what it widens to holds both', () => {
    const types = [...new Set(PAIRS.flatMap(([a, b]) => [a, b]))];
    for (const a of types) {
      expect(widenType(a, a)).toBe(a);
      for (const b of types) {
        const wider = widenType(a, b);
        expect([fitsType(a, wider), fitsType(b, wider)], `${a} + ${b} = ${wider}`).toEqual([true, true]);
      }
    }
  });
});
