/** How a day is spelled in a folder name. */
export type DayFormat = 'YYYY-MM-DD' | 'YYYYMMDD' | 'unix-seconds' | 'unix-millis';

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const COMPACT_DAY = /^(\d{4})(\d{2})(\d{2})$/;
// Unix timestamps of days between 2000 and 2100, in seconds or milliseconds.
const MIN_SECONDS = 946_684_800;
const MAX_SECONDS = 4_102_444_800;

function validIsoDay(y: string, m: string, d: string): string | undefined {
  const iso = `${y}-${m}-${d}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) ? iso : undefined;
}

/**
 * Reads a day folder name (`2025-01-01`, `20250101`, or the UTC day's unix timestamp in
 * seconds or milliseconds, as in Segment's received-day folders) as an ISO day.
 */
export function parseDayFolder(name: string): { day: string; format: DayFormat } | undefined {
  const iso = ISO_DAY.exec(name);
  if (iso) {
    const day = validIsoDay(iso[1]!, iso[2]!, iso[3]!);
    return day ? { day, format: 'YYYY-MM-DD' } : undefined;
  }
  const compact = COMPACT_DAY.exec(name);
  if (compact) {
    const day = validIsoDay(compact[1]!, compact[2]!, compact[3]!);
    return day ? { day, format: 'YYYYMMDD' } : undefined;
  }
  if (/^\d{9,13}$/.test(name)) {
    const n = Number(name);
    const [seconds, format]: [number, DayFormat] = n >= MIN_SECONDS * 1000 ? [n / 1000, 'unix-millis'] : [n, 'unix-seconds'];
    if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || seconds % 86_400 !== 0) return undefined;
    return { day: new Date(seconds * 1000).toISOString().slice(0, 10), format };
  }
  return undefined;
}

/** The folder name of an ISO day in the given format (the inverse of parseDayFolder). */
export function formatDayFolder(day: string, format: DayFormat): string {
  switch (format) {
    case 'YYYY-MM-DD':
      return day;
    case 'YYYYMMDD':
      return day.replaceAll('-', '');
    case 'unix-seconds':
      return String(Date.parse(`${day}T00:00:00Z`) / 1000);
    case 'unix-millis':
      return String(Date.parse(`${day}T00:00:00Z`));
  }
}
