import { describe, expect, it } from 'vitest';
import { formatDayFolder, parseDayFolder } from '../../../src/workflow-safe/layout/day-folder';

describe('parseDayFolder', () => {
  it.each([
    ['2025-01-31', { day: '2025-01-31', format: 'YYYY-MM-DD' }],
    ['20250131', { day: '2025-01-31', format: 'YYYYMMDD' }],
    ['1738281600', { day: '2025-01-31', format: 'unix-seconds' }],
    ['1738281600000', { day: '2025-01-31', format: 'unix-millis' }],
  ])('reads %s', (name, expected) => {
    expect(parseDayFolder(name)).toEqual(expected);
    expect(formatDayFolder(expected.day, expected.format as never)).toBe(name);
  });

  it.each(['2025-02-30', '20251301', '1738281601', 'events', '12345'])('rejects %s', (name) => {
    expect(parseDayFolder(name)).toBeUndefined();
  });
});
