import { parseDayFolder, type DayFormat } from '../layout/day-folder';

// A key named like a day (dt, ds, date, day, event_date, ...): only then are compact and unix
// spellings read as days, so a numeric key such as `version=20250101` stays a number.
const DAY_LIKE_KEY = /(^|_)(dt|ds|d|date|day|days|partition_date)($|_)|date|day/i;

/**
 * How a Hive key's values spell days, when every value is a day: ISO (`2025-01-01`) for any
 * key; compact (`20250101`) or unix seconds/milliseconds only for a key named like a day.
 * `mixed` when the values are days in more than one spelling. Undefined when not all are days.
 */
export function hiveDaySpelling(key: string, values: string[]): DayFormat | 'mixed' | undefined {
  if (values.length === 0) return undefined;
  const formats = new Set<DayFormat>();
  for (const value of values) {
    const parsed = parseDayFolder(value);
    if (!parsed) return undefined;
    if (parsed.format !== 'YYYY-MM-DD' && !DAY_LIKE_KEY.test(key)) return undefined;
    formats.add(parsed.format);
  }
  return formats.size === 1 ? [...formats][0] : 'mixed';
}

/**
 * The type of a Hive partition column, from every value found (not a sample): DATE when all
 * are days (see hiveDaySpelling), BIGINT when all are integers, DOUBLE when all are numbers,
 * else VARCHAR.
 */
export function partitionType(values: string[], key = ''): string {
  if (values.length === 0) return 'VARCHAR';
  if (hiveDaySpelling(key, values)) return 'DATE';
  if (values.every((v) => /^-?\d{1,18}$/.test(v))) return 'BIGINT';
  if (values.every((v) => /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v))) return 'DOUBLE';
  return 'VARCHAR';
}
