import { describe, expect, it } from 'vitest';
import { hiveDaySpelling, partitionType } from '../../../src/workflow-safe/discovery/partition-type';

describe('Hive day keys in every spelling', () => {
  it.each([
    ['dt', ['20250101', '20250102'], 'YYYYMMDD', 'DATE'],
    ['date', ['2025-01-01'], 'YYYY-MM-DD', 'DATE'],
    ['anything', ['2025-01-01'], 'YYYY-MM-DD', 'DATE'],
    ['day', ['1735689600000'], 'unix-millis', 'DATE'],
    ['event_date', ['1735689600'], 'unix-seconds', 'DATE'],
    ['dt', ['2025-01-01', '20250102'], 'mixed', 'DATE'],
    ['version', ['20250101'], undefined, 'BIGINT'],
    ['dt', ['20250101', '__HIVE_DEFAULT_PARTITION__'], undefined, 'VARCHAR'],
    ['dt', ['20251341'], undefined, 'BIGINT'],
  ])('%s=%j: spelling %s, type %s', (key, values, spelling, type) => {
    expect(hiveDaySpelling(key, values)).toBe(spelling);
    expect(partitionType(values, key)).toBe(type);
  });
});
