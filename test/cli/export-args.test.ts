import { describe, expect, it } from 'vitest';
import { exportInputFromArgs, formatExportReport } from '../../src/cli/export-args';
import { ExportInput } from '../../src/workflow-safe/export/export-input';

describe('export command arguments', () => {
  it('builds the exportTable input from the destination and flags', () => {
    const { input } = exportInputFromArgs([
      'segment-out', '--table', 'raw.shop__orders', '--time-column', 'ordered_at', '--format', 'parquet', '--source-id', 'orders',
      '--max-file-bytes', '1048576', '--from', '2025-06-01', '--to', '2025-06-01T12',
    ]);
    expect(input).toEqual({
      destination: 'segment-out', table: 'raw.shop__orders', timeColumn: 'ordered_at', format: 'parquet', sourceId: 'orders',
      maxFileBytes: 1_048_576, windows: { from: '2025-06-01', to: '2025-06-01T12' },
    });
    expect(ExportInput.parse(input).windows).toEqual({ from: Date.parse('2025-06-01T00:00:00Z'), to: Date.parse('2025-06-01T12:00:00Z') });
    expect(exportInputFromArgs(['segment-out']).input).toEqual({ destination: 'segment-out' });
  });

  it('prints one line per window and the totals', () => {
    expect(formatExportReport({
      destination: 'out', table: 'canonical.events', format: 'segment', location: 's3://acme/logs', status: 'partial',
      windows: [
        { window: '2025-06-01T10:00:00.000Z', windowStart: 0, status: 'exported', reason: 'missed', rows: 12, files: 1, bytes: 900, keys: [], removedKeys: 0, abortedUploads: 0 },
        { window: '2025-06-01T11:00:00.000Z', windowStart: 0, status: 'failed', reason: 'scheduled', rows: 0, files: 0, bytes: 0, keys: [], removedKeys: 0, abortedUploads: 0, error: 'AccessDenied' },
      ],
      totals: { windows: 1, failed: 1, rows: 12, files: 1, bytes: 900 },
    })).toBe([
      'partial: canonical.events -> s3://acme/logs (segment)',
      '  window                    reason      status     rows  files     bytes',
      '  2025-06-01T10:00:00.000Z  missed      exported     12      1       900',
      '  2025-06-01T11:00:00.000Z  scheduled   failed        0      0         0  AccessDenied',
      '  total: 1 window(s), 12 row(s), 1 file(s), 900 bytes',
    ].join('\n'));
  });
});
