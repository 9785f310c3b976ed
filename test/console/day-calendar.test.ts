import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/client/run-control';
import { calendarDays, calendarMonths } from '../../src/console/day-calendar';
import type { LedgerDayRow } from '../../src/console/warehouse-reads';
import type { DayReport, ImportReport } from '../../src/workflow-safe/import/import-input';
import { importWorkflowId, unitOfDayWorkflowId } from '../../src/workflow-safe/workflow-ids';

const ledger = (unit: string, loadedAt: string, rows = 10, rejected = 0): LedgerDayRow => ({
  unit, day: unit, target: 'raw.shop__events', rows, rejected_rows: rejected, files: 1, bytes: 100, load_id: `load-${unit}`, loaded_at: loadedAt,
});
const run = (workflowId: string, status: string, closeTime?: string): RunView => ({
  workflowId, runId: 'r', workflowType: 'importDay', status, startTime: '2026-01-01T00:00:00.000Z', ...(closeTime ? { closeTime } : {}),
});
const report = (closeTime: string, days: Partial<DayReport>[]): { run: RunView; report: ImportReport } => ({
  run: run('import-shop-events', 'COMPLETED', closeTime),
  report: {
    connection: 'shop', table: 'events', target: 'raw.shop__events',
    days: days.map((d) => ({ unit: d.unit!, day: d.unit!, status: 'loaded', rows: 0, rejectedRows: 0, files: 1, bytes: 1, durationMs: 1, reason: 'new', ...d })),
    totals: { loaded: 0, skipped: 0, failed: 0, rows: 0, rejectedRows: 0, files: 0, bytes: 0 },
  },
});

describe('the day calendar', () => {
  it('colours each day by its latest outcome: a commit, a failure (with the report\'s reason), a skip, or a live state', () => {
    const days = calendarDays({
      ledger: [ledger('2025-01-01', '2026-01-02T00:00:00Z'), ledger('2025-01-02', '2026-01-02T00:00:00Z', 8, 2), ledger('2025-01-03', '2026-01-01T00:00:00Z')],
      dayRuns: new Map([
        ['2025-01-03', run('import-shop-events-2025-01-03', 'FAILED', '2026-01-03T00:00:00Z')],
        ['2025-01-04', run('import-shop-events-2025-01-04', 'FAILED', '2026-01-03T00:00:00Z')],
      ]),
      reports: [report('2026-01-03T00:00:01Z', [
        { unit: '2025-01-01', status: 'skipped', reason: 'unchanged' },
        { unit: '2025-01-03', status: 'failed', reason: 's3://b/events/date=2025-01-03/part-0.parquet cannot be read' },
        { unit: '2025-01-05', status: 'skipped', reason: 'no files found for this day any more' },
      ])],
      running: new Map([['2025-01-06', { run: run('import-shop-events-2025-01-06', 'RUNNING'), waiting: 'schema drift: new column "score"' }]]),
    });
    expect(days.map((d) => [d.unit, d.outcome, d.rows, d.reason ?? ''])).toEqual([
      ['2025-01-01', 'loaded', 10, ''],
      ['2025-01-02', 'rejects', 8, ''],
      // Loaded once, failed since: failed, with the rows of the earlier load still there.
      ['2025-01-03', 'failed', 10, 's3://b/events/date=2025-01-03/part-0.parquet cannot be read'],
      ['2025-01-04', 'failed', 0, ''],
      ['2025-01-05', 'skipped', 0, 'no files found for this day any more'],
      ['2025-01-06', 'waiting', 0, 'schema drift: new column "score"'],
    ]);
  });

  it('a reload after a failure makes the day loaded again', () => {
    const [day] = calendarDays({
      ledger: [ledger('2025-01-03', '2026-01-04T00:00:00Z')],
      dayRuns: new Map([['2025-01-03', run('import-shop-events-2025-01-03', 'COMPLETED', '2026-01-04T00:00:00Z')]]),
      reports: [report('2026-01-03T00:00:00Z', [{ unit: '2025-01-03', status: 'failed', reason: 'bad file' }])],
      running: new Map(),
    });
    expect([day!.outcome, day!.rows]).toEqual(['loaded', 10]);
  });

  it('lays out months as Monday-first weeks', () => {
    const [january, february] = calendarMonths(['2025-02-03', '2025-01-31']);
    expect(january!.month).toBe('2025-01');
    // 1 January 2025 was a Wednesday.
    expect(january!.weeks[0]).toEqual([null, null, '2025-01-01', '2025-01-02', '2025-01-03', '2025-01-04', '2025-01-05']);
    expect(january!.weeks[4]).toEqual(['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', null, null]);
    // 1 February 2025 was a Saturday: five rows.
    expect(february!.weeks.length).toBe(5);
  });

  it('reads the day of a day\'s workflow ID, with any prefix, and nothing from another table\'s', () => {
    expect(unitOfDayWorkflowId('demo-import-shop-events-2025-01-03', 'shop', 'events')).toBe('2025-01-03');
    expect(unitOfDayWorkflowId(`${importWorkflowId('shop', 'page-views')}-all`, 'shop', 'page-views')).toBe('all');
    expect(unitOfDayWorkflowId('import-shop-events', 'shop', 'events')).toBeUndefined();
    expect(unitOfDayWorkflowId('import-shop-events2-2025-01-03', 'shop', 'events')).toBeUndefined();
  });
});
