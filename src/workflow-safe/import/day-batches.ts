/** What the plan says of a day: enough to decide whether it is small. */
interface PlannedDay {
  unit: string;
  day: string | null;
  files: number;
  bytes: number;
}

/**
 * A small day: few files and few bytes, so its load is mostly fixed cost (an activity, an S3
 * DuckDB, a listing, a ledger read, a commit) and sharing those with other days pays.
 */
const SMALL_DAY = { maxFiles: 16, maxBytes: 4 * 1024 * 1024 };

/** A batch's bounds: its days are loaded one after another in one activity, then committed together. */
const DAY_BATCH = { maxDays: 32, maxBytes: 64 * 1024 * 1024 };

/**
 * Fewer small days than this in a run load one by one: their overhead is a second or two in all,
 * and each keeps its own importDay run (its own row in the Temporal UI).
 */
const MIN_DAYS_TO_BATCH = 8;

const isSmallDay = (d: PlannedDay): boolean => d.day !== null && d.files <= SMALL_DAY.maxFiles && d.bytes <= SMALL_DAY.maxBytes;

/** One piece of an import's work: a day on its own (importDay), or a batch of small days (loadDayBatch). */
export type DayWork<T extends PlannedDay> = { kind: 'day'; day: T } | { kind: 'batch'; days: T[] };

/**
 * The plan's days as work: large days alone, small ones in batches. A batch holds at most
 * DAY_BATCH's days and bytes, and at most the small days' share per lane (rounded up), so the
 * batches still spread over the import's concurrency; with one small day per lane or less (or
 * fewer than MIN_DAYS_TO_BATCH), every day runs alone as before. Work is in the order of its
 * first day.
 */
export function dayWork<T extends PlannedDay>(days: T[], concurrency: number): DayWork<T>[] {
  const small = days.filter(isSmallDay);
  const perBatch = Math.min(DAY_BATCH.maxDays, Math.ceil(small.length / Math.max(1, concurrency)));
  if (perBatch < 2 || small.length < MIN_DAYS_TO_BATCH) return days.map((day) => ({ kind: 'day', day }));
  const work: DayWork<T>[] = [];
  let batch: { kind: 'batch'; days: T[] } | undefined;
  let bytes = 0;
  for (const day of days) {
    if (!isSmallDay(day)) {
      work.push({ kind: 'day', day });
      continue;
    }
    if (!batch || batch.days.length >= perBatch || bytes + day.bytes > DAY_BATCH.maxBytes) {
      batch = { kind: 'batch', days: [] };
      bytes = 0;
      work.push(batch);
    }
    batch.days.push(day);
    bytes += day.bytes;
  }
  // A batch of one is a day on its own.
  return work.map((w) => (w.kind === 'batch' && w.days.length === 1 ? { kind: 'day', day: w.days[0]! } : w));
}
