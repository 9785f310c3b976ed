import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { exportInputFromArgs, formatExportReport } from '../../src/cli/export-args';
import { registerExport } from '../../src/cli/commands/export';
import { registerMigrate } from '../../src/cli/commands/migrate';
import type { CliContext } from '../../src/cli/context';
import { clockOf, ExportInput } from '../../src/workflow-safe/export/export-input';
import { windowsBetween } from '../../src/workflow-safe/export/export-layout';
import { formatZodIssues } from '../../src/workflow-safe/input-errors';

/** The help text of `s3bridge <path...>`, as commander prints it (one line per option, unwrapped). */
function help(...path: string[]): string {
  const program = new Command('s3bridge');
  // The commands only reach the context when they run.
  registerExport(program, {} as CliContext);
  registerMigrate(program, {} as CliContext);
  let command = program;
  for (const name of path) command = command.commands.find((c) => c.name() === name)!;
  return command.configureHelp({ helpWidth: 1000 }).helpInformation();
}

function usageError(args: string[]): string {
  try {
    exportInputFromArgs(args);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`accepted: ${args.join(' ')}`);
}

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

  it('says what the input does: --to is exclusive, --max-file-bytes counts NDJSON before gzip, --time-column means event time', () => {
    for (const command of [help('export', 'run'), help('export', 'backfill')]) {
      expect(command).toMatch(/--to <hour> +the end hour, exclusive: --from 2025-06-01 --to 2025-06-02 is the 24 hours of June 1\n/);
      expect(command).toMatch(/--from <hour> +the first hour, UTC \(YYYY-MM-DD is its midnight, or YYYY-MM-DDTHH\)/);
      expect(command).toMatch(/--max-file-bytes <n> +a batch file closes once its NDJSON reaches this many bytes before gzip \(Parquet: the file's size\); default 104857600 \(100 MB\)\n/);
      expect(command).toMatch(/--time-column <column> +the event-time column that places a row in its window \(implies --clock event\)\n/);
      expect(command).toMatch(/--clock <clock> +what places a row in its hourly window: received \(the hour s3bridge committed it; default for segment\) or event \(its --time-column; default for parquet\) \(choices: "received", "event"\)\n/);
    }
    expect(help('migrate', 'start')).toMatch(/--to-hour <hour> +the end hour, exclusive: --from-hour 2025-06-01 --to-hour 2025-06-02 is the 24 hours of June 1\n/);
    expect(ExportInput.parse({ destination: 'out' }).maxFileBytes).toBe(104_857_600);

    // --to is exclusive, as the input's windows: a day is 24 windows, one hour is --to the next hour.
    const { input } = exportInputFromArgs(['out', '--from', '2025-06-01', '--to', '2025-06-02']);
    const windows = ExportInput.parse(input).windows as { from: number; to: number };
    expect(windowsBetween(windows.from, windows.to)).toHaveLength(24);
    expect(usageError(['out', '--from', '2025-01-01T00', '--to', '2025-01-01T00'])).toBe(
      '--to 2025-01-01T00 is not after --from 2025-01-01T00: --to is exclusive (the hour 2025-01-01T00 alone is --from 2025-01-01T00 --to 2025-01-01T01)');
    expect(usageError(['out', '--from', '2025-01-01T00'])).toBe('give both --from and --to (--to is missing)');

    // --time-column chooses event time; with --clock received it is refused by the input's own check.
    expect(clockOf(ExportInput.parse(exportInputFromArgs(['out', '--table', 'raw.orders', '--time-column', 'ts']).input))).toBe('event');
    expect(clockOf(ExportInput.parse(exportInputFromArgs(['out']).input))).toBe('received');
    const contradiction = ExportInput.safeParse(exportInputFromArgs(['out', '--clock', 'received', '--time-column', 'ts']).input);
    expect(formatZodIssues(contradiction.error!)).toMatch(/^timeColumn: timeColumn places rows by event time/);
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
