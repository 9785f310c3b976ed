import { describe, expect, it } from 'vitest';
import { dayWork } from '../../../src/workflow-safe/import/day-batches';

const MB = 1024 * 1024;
const day = (i: number, files = 1, bytes = 10_000) => ({ unit: `2025-01-${String(i + 1).padStart(2, '0')}`, day: `2025-01-${String(i + 1).padStart(2, '0')}`, files, bytes });
const shape = (work: ReturnType<typeof dayWork>) => work.map((w) => (w.kind === 'day' ? w.day.unit : w.days.map((d) => d.unit.slice(8)).join(',')));

describe('dayWork', () => {
  it('batches small days in an even share per lane, in the order of their first day; large days run alone', () => {
    const days = Array.from({ length: 12 }, (_, i) => (i === 4 ? day(i, 40) : i === 9 ? day(i, 1, 50 * MB) : day(i)));
    // 10 small days over 2 lanes: batches of 5.
    expect(shape(dayWork(days, 2))).toEqual(['01,02,03,04,06', '2025-01-05', '07,08,09,11,12', '2025-01-10']);
  });

  it('loads every day alone below 8 small days, or with one day per lane or less', () => {
    expect(shape(dayWork(Array.from({ length: 7 }, (_, i) => day(i)), 1))).toEqual(Array.from({ length: 7 }, (_, i) => day(i).unit));
    expect(shape(dayWork(Array.from({ length: 8 }, (_, i) => day(i)), 8))).toEqual(Array.from({ length: 8 }, (_, i) => day(i).unit));
    expect(shape(dayWork(Array.from({ length: 12 }, (_, i) => day(i)), 8))).toEqual(['01,02', '03,04', '05,06', '07,08', '09,10', '11,12']);
  });

  it('caps a batch at 32 days and 64 MiB; a whole-table unit is never batched', () => {
    const year = Array.from({ length: 365 }, (_, i) => ({ ...day(0), unit: `d${String(i).padStart(3, '0')}`, day: `d${i}` }));
    const work = dayWork(year, 4);
    expect(work.every((w) => w.kind === 'batch' && w.days.length <= 32)).toBe(true);
    expect(work.reduce((n, w) => n + (w.kind === 'batch' ? w.days.length : 1), 0)).toBe(365);
    const heavy = dayWork(Array.from({ length: 40 }, (_, i) => day(i % 28, 1, 3 * MB)), 1);
    expect(heavy.map((w) => (w.kind === 'batch' ? w.days.length : 1))).toEqual([21, 19]);
    expect(shape(dayWork([{ unit: 'all', day: null, files: 1, bytes: 1 }], 1))).toEqual(['all']);
  });
});
