import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ExportInput, ExportReport } from '../shared/export/export-input';
import { UsageError } from './command';
import { readConnectionArg } from './read-connection-arg';

export const EXPORT_USAGE = '<destination> [--table schema.table] [--time-column COLUMN] [--format segment|parquet] [--source-id ID] [--max-file-bytes N] [--json]';

const OPTIONS = {
  table: { type: 'string' }, 'time-column': { type: 'string' }, format: { type: 'string' }, 'source-id': { type: 'string' },
  'max-file-bytes': { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' },
} as const;

/** Parses an export command's arguments into the exportTable input (validated later by its zod schema). */
export function exportInputFromArgs(args: string[], extra: ParseArgsConfig['options'] = {}) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...OPTIONS, ...extra } });
  const destination = readConnectionArg(positionals[0]);
  if (destination === undefined) throw new UsageError('missing the destination connection');
  const v = values as Record<string, string | boolean | undefined>;
  const input = {
    destination,
    ...(v.table ? { table: v.table } : {}),
    ...(v['time-column'] ? { timeColumn: v['time-column'] } : {}),
    ...(v.format ? { format: v.format } : {}),
    ...(v['source-id'] ? { sourceId: v['source-id'] } : {}),
    ...(v['max-file-bytes'] ? { maxFileBytes: Number(v['max-file-bytes']) } : {}),
    ...(v.from || v.to ? { windows: { from: v.from, to: v.to } } : {}),
  } as ExportInput;
  return { input, values: v };
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
