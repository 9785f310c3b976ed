import { parseArgs } from 'node:util';
import type { ImportInput, ImportReport } from '../shared/import/import-input';
import { UsageError } from './command';
import { readJsonArg } from './read-json-arg';

/** Options every import command shares (import, backfill, schedule). */
export const IMPORT_OPTIONS = {
  days: { type: 'string' },
  earliest: { type: 'string' },
  mapping: { type: 'string' },
  'error-policy': { type: 'string' },
  'drift-policy': { type: 'string' },
  concurrency: { type: 'string' },
  reload: { type: 'boolean' },
  input: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const IMPORT_USAGE = '<connection | JSON | @file.json> <table> [--days all|new-and-changed|FROM..TO] [--earliest YYYY-MM-DD] '
  + '[--mapping JSON|@file.json] [--error-policy fail-day|skip-to-rejects] [--drift-policy evolve|fail|wait] [--concurrency N] [--reload] '
  + '[--input @import.json] [--json]';

/**
 * Builds an import input from the command line: positionals name the connection and table,
 * flags the rest; `--input` gives the whole JSON (flags override). zod checks it in the client.
 */
export function importInputFromArgs(args: string[], extra: Record<string, { type: 'string' | 'boolean' }> = {}) {
  const parsed = parseArgs({ args, allowPositionals: true, options: { ...IMPORT_OPTIONS, ...extra } });
  const { positionals } = parsed;
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const str = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const base = (str('input') ? readJsonArg(str('input'), '--input') : {}) as Record<string, unknown>;
  const [connectionArg, table] = positionals;
  const connection = connectionArg?.trim().startsWith('{') || connectionArg?.startsWith('@') ? readJsonArg(connectionArg, 'the connection') : connectionArg;
  const input: Record<string, unknown> = { ...base };
  if (connection !== undefined) input.connection = connection;
  if (table !== undefined) input.table = table;
  if (!input.connection || !input.table) throw new UsageError('name the connection and the table (or pass --input with both)');
  const days = str('days');
  if (days) {
    const range = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(days);
    input.days = range ? { from: range[1], to: range[2] } : days;
  }
  if (str('earliest')) input.earliest = str('earliest');
  if (str('mapping')) input.mapping = readJsonArg(str('mapping'), '--mapping');
  if (values['error-policy']) input.errorPolicy = values['error-policy'];
  if (values['drift-policy']) input.driftPolicy = values['drift-policy'];
  if (str('concurrency')) input.concurrency = Number(str('concurrency'));
  if (values.reload) input.reload = true;
  return { input: input as ImportInput, values };
}

/** A human summary: totals, then one line per day. */
export function formatImportReport(report: ImportReport): string {
  const t = report.totals;
  const lines = [
    `${report.connection}/${report.table} -> ${report.target}: ${t.loaded} loaded, ${t.skipped} skipped, ${t.failed} failed; `
      + `${t.rows} rows${t.rejectedRows ? ` (${t.rejectedRows} rejected)` : ''} from ${t.files} files, ${t.bytes} bytes`,
  ];
  for (const d of report.days) {
    const rows = d.status === 'loaded' ? ` ${d.rows} rows${d.rejectedRows ? ` +${d.rejectedRows} rejected` : ''}, ${d.files} files, ${d.durationMs} ms` : '';
    lines.push(`  ${d.unit} ${d.status}${rows}: ${d.reason}${d.drift ? ` (drift: ${d.drift})` : ''}`);
  }
  return lines.join('\n');
}
