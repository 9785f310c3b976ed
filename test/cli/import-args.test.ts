import { describe, expect, it } from 'vitest';
import { formatImportReport, importInputFromOptions } from '../../src/cli/import-args';

describe('import command arguments', () => {
  it('builds the import input from positionals and flags', () => {
    const input = importInputFromOptions('shop', 'events', {
      days: '2025-01-01..2025-01-31', mapping: '{"mode":"raw"}', errorPolicy: 'skip-to-rejects', driftPolicy: 'wait', concurrency: '8', reload: true,
    });
    expect(input).toEqual({
      connection: 'shop', table: 'events', days: { from: '2025-01-01', to: '2025-01-31' }, mapping: { mode: 'raw' },
      errorPolicy: 'skip-to-rejects', driftPolicy: 'wait', concurrency: 8, reload: true,
    });
  });

  it('prints totals and one line per day', () => {
    expect(formatImportReport({
      connection: 'shop', table: 'events', target: 'raw.shop__events',
      totals: { loaded: 1, skipped: 1, failed: 1, rows: 10, rejectedRows: 2, files: 1, bytes: 100 },
      days: [
        { unit: '2025-01-01', day: '2025-01-01', status: 'loaded', rows: 10, rejectedRows: 2, files: 1, bytes: 100, durationMs: 40, reason: 'new' },
        { unit: '2025-01-02', day: '2025-01-02', status: 'skipped', rows: 0, rejectedRows: 0, files: 1, bytes: 5, durationMs: 0, reason: 'unchanged' },
        { unit: '2025-01-03', day: '2025-01-03', status: 'failed', rows: 0, rejectedRows: 0, files: 1, bytes: 5, durationMs: 0, reason: 'bad' },
      ],
    })).toBe([
      'shop/events -> raw.shop__events: 1 loaded, 1 skipped, 1 failed; 10 rows (2 rejected) from 1 files, 100 bytes',
      '  2025-01-01 loaded 10 rows +2 rejected, 1 files, 40 ms: new',
      '  2025-01-02 skipped: unchanged',
      '  2025-01-03 failed: bad',
    ].join('\n'));
  });
});
