import { Command, Option } from 'commander';
import { IsoHour, type ExportInput, type ExportReport } from '../workflow-safe/export/export-input';
import { UsageError } from './command';
import { readConnectionArg } from './read-connection-arg';

/** The options every export command shares (run, backfill, schedule), as commander parses them. */
export interface ExportOptions {
  table?: string;
  clock?: string;
  timeColumn?: string;
  format?: string;
  sourceId?: string;
  maxFileBytes?: string;
  from?: string;
  to?: string;
}

/** The help of a range's two options, shared by every command that takes a range (the input's `windows`: [from, to)). */
export function rangeHelp(flags = { from: '--from', to: '--to' }): { from: string; to: string } {
  return {
    from: 'the first hour, UTC (YYYY-MM-DD is its midnight, or YYYY-MM-DDTHH)',
    to: `the end hour, exclusive: ${flags.from} 2025-06-01 ${flags.to} 2025-06-02 is the 24 hours of June 1`,
  };
}

/** Adds the destination argument and the shared export options to a command. */
export function withExportOptions(command: Command, { range = true } = {}): Command {
  command
    .argument('<destination>', 'a destination connection\'s name, inline JSON or @file.json')
    .option('--table <schema.table>', 'the warehouse table (default canonical.events: Segment spec messages)')
    .addOption(new Option('--clock <clock>', 'what places a row in its hourly window: received (the hour s3bridge committed it; default for segment) or event (its --time-column; default for parquet)').choices(['received', 'event']))
    .option('--time-column <column>', 'the event-time column that places a row in its window (implies --clock event)')
    .addOption(new Option('--format <format>', 'segment (gzipped NDJSON, segment-logs layout) or parquet').choices(['segment', 'parquet']))
    .option('--source-id <id>', 'Segment\'s source-id folder or the Parquet dataset folder (default: the table\'s name)')
    .option('--max-file-bytes <n>', 'a batch file closes once its NDJSON reaches this many bytes before gzip (Parquet: the file\'s size); default 104857600 (100 MB)');
  if (range) command.option('--from <hour>', rangeHelp().from).option('--to <hour>', rangeHelp().to);
  return command;
}

/**
 * The range as the input's `windows` ([from, to), as the input says), refused here in the
 * CLI's words when it is empty or half given.
 */
export function rangeOf(from: string | undefined, to: string | undefined, flags = { from: '--from', to: '--to' }): { from: string; to: string } | undefined {
  if (from === undefined && to === undefined) return undefined;
  if (from === undefined || to === undefined) throw new UsageError(`give both ${flags.from} and ${flags.to} (${from === undefined ? flags.from : flags.to} is missing)`);
  const [start, end] = [IsoHour.safeParse(from), IsoHour.safeParse(to)];
  if (start.success && end.success && start.data >= end.data) {
    const next = new Date(start.data + 3_600_000).toISOString().slice(0, 13);
    throw new UsageError(`${flags.to} ${to} is not after ${flags.from} ${from}: ${flags.to} is exclusive (the hour ${from} alone is ${flags.from} ${from} ${flags.to} ${next})`);
  }
  return { from, to };
}

/** Builds the exportTable input from the destination argument and options (zod checks it in the client). */
export function exportInputFromOptions(destinationArg: string | undefined, options: ExportOptions): ExportInput {
  const destination = readConnectionArg(destinationArg);
  if (destination === undefined) throw new UsageError('missing the destination connection');
  let maxFileBytes: number | undefined;
  if (options.maxFileBytes !== undefined) {
    maxFileBytes = Number(options.maxFileBytes);
    if (!Number.isInteger(maxFileBytes)) throw new UsageError(`--max-file-bytes ${options.maxFileBytes}: expected a whole number`);
  }
  const windows = rangeOf(options.from, options.to);
  return {
    destination,
    ...(options.table ? { table: options.table } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.timeColumn ? { timeColumn: options.timeColumn } : {}),
    ...(options.format ? { format: options.format } : {}),
    ...(options.sourceId ? { sourceId: options.sourceId } : {}),
    ...(maxFileBytes !== undefined ? { maxFileBytes } : {}),
    ...(windows ? { windows } : {}),
  } as ExportInput;
}

/** Parses an export command line (without the command name) into the exportTable input. */
export function exportInputFromArgs(args: string[]): { input: ExportInput; values: ExportOptions } {
  const command = withExportOptions(new Command('export')).exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  command.parse(args, { from: 'user' });
  const values = command.opts<ExportOptions>();
  return { input: exportInputFromOptions(command.args[0], values), values };
}

export function formatExportReport(report: ExportReport): string {
  const lines = [`${report.status}: ${report.table} -> ${report.location} (${report.format})${report.note ? `; ${report.note}` : ''}`];
  if (report.windows.length > 0) lines.push('  window                    reason      status     rows  files     bytes');
  for (const w of report.windows) {
    lines.push(`  ${w.window}  ${w.reason.padEnd(10)}  ${w.status.padEnd(8)} ${String(w.rows).padStart(6)}  ${String(w.files).padStart(5)}  ${String(w.bytes).padStart(8)}${w.error ? `  ${w.error}` : ''}`);
  }
  lines.push(`  total: ${report.totals.windows} window(s), ${report.totals.rows} row(s), ${report.totals.files} file(s), ${report.totals.bytes} bytes`);
  return lines.join('\n');
}
