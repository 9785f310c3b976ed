import { Command, Option } from 'commander';
import type { ExportInput, ExportReport } from '../workflow-safe/export/export-input';
import { UsageError } from './command';
import { readConnectionArg } from './read-connection-arg';

/** The options every export command shares (run, backfill, schedule), as commander parses them. */
export interface ExportOptions {
  table?: string;
  timeColumn?: string;
  format?: string;
  sourceId?: string;
  maxFileBytes?: string;
  from?: string;
  to?: string;
}

/** Adds the destination argument and the shared export options to a command. */
export function withExportOptions(command: Command, { range = true } = {}): Command {
  command
    .argument('<destination>', 'a destination connection\'s name, inline JSON or @file.json')
    .option('--table <schema.table>', 'the warehouse table (default canonical.events: Segment spec messages)')
    .option('--time-column <column>', 'the column that places a row in its hourly window')
    .addOption(new Option('--format <format>', 'segment (gzipped NDJSON, segment-logs layout) or parquet').choices(['segment', 'parquet']))
    .option('--source-id <id>', 'Segment\'s source-id folder or the Parquet dataset folder (default: the table\'s name)')
    .option('--max-file-bytes <n>', 'a file closes at this compressed size');
  if (range) command.option('--from <hour>', 'the first hour (YYYY-MM-DD or YYYY-MM-DDTHH)').option('--to <hour>', 'the last hour, inclusive');
  return command;
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
  return {
    destination,
    ...(options.table ? { table: options.table } : {}),
    ...(options.timeColumn ? { timeColumn: options.timeColumn } : {}),
    ...(options.format ? { format: options.format } : {}),
    ...(options.sourceId ? { sourceId: options.sourceId } : {}),
    ...(maxFileBytes !== undefined ? { maxFileBytes } : {}),
    ...(options.from || options.to ? { windows: { from: options.from, to: options.to } } : {}),
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
