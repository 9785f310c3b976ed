import { Option, type Command } from 'commander';
import type { ImportInput, ImportReport } from '../workflow-safe/import/import-input';
import { UsageError } from './command';
import { readConnectionArg } from './read-connection-arg';
import { readJsonArg } from './read-json-arg';

/** The options every import command shares (import, backfill, schedule), as commander parses them. */
export interface ImportOptions {
  days?: string;
  earliest?: string;
  mapping?: string;
  errorPolicy?: string;
  driftPolicy?: string;
  concurrency?: string;
  reload?: boolean;
  failOnFailedDays?: boolean;
  input?: string;
}

/** Adds the shared import arguments and options to a command. */
export function withImportOptions(command: Command, { days = true } = {}): Command {
  command
    .argument('[connection]', 'a stored connection\'s name, inline JSON or @file.json')
    .argument('[table]', 'a discovered table (`s3bridge tables list <connection>`)');
  if (days) command.option('--days <days>', 'all, new-and-changed (default) or FROM..TO (YYYY-MM-DD..YYYY-MM-DD)');
  return command
    .option('--earliest <day>', 'the first day a first run considers (YYYY-MM-DD)')
    .option('--mapping <json>', 'the mapping: {"mode":"raw"|"events"|"metrics",...} as JSON or @file.json')
    .addOption(new Option('--error-policy <policy>', 'what a bad row does').choices(['fail-day', 'skip-to-rejects']))
    .addOption(new Option('--drift-policy <policy>', 'what a schema change does').choices(['evolve', 'fail', 'wait']))
    .option('--concurrency <n>', 'days loaded at once (default 4)')
    .option('--reload', 'reload the selected days even when unchanged')
    .option('--fail-on-failed-days', 'make the workflow itself fail when any day fails (for Schedules that should alert)')
    .option('--input <json>', 'the whole importTable input as JSON or @file.json (options override its fields)');
}

/**
 * Builds an import input from the arguments: positionals name the connection and table,
 * options the rest; `--input` gives the whole JSON (options override). zod checks it in the client.
 */
export function importInputFromOptions(connectionArg: string | undefined, table: string | undefined, options: ImportOptions): ImportInput {
  const input: Record<string, unknown> = options.input ? { ...(readJsonArg(options.input, '--input') as object) } : {};
  const connection = readConnectionArg(connectionArg);
  if (connection !== undefined) input.connection = connection;
  if (table !== undefined) input.table = table;
  if (!input.connection || !input.table) throw new UsageError('name the connection and the table (or pass --input with both)');
  if (options.days) {
    const range = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(options.days);
    input.days = range ? { from: range[1], to: range[2] } : options.days;
  }
  if (options.earliest) input.earliest = options.earliest;
  if (options.mapping) input.mapping = readJsonArg(options.mapping, '--mapping');
  if (options.errorPolicy) input.errorPolicy = options.errorPolicy;
  if (options.driftPolicy) input.driftPolicy = options.driftPolicy;
  if (options.concurrency) {
    const n = Number(options.concurrency);
    if (!Number.isInteger(n)) throw new UsageError(`--concurrency ${options.concurrency}: expected a whole number`);
    input.concurrency = n;
  }
  if (options.reload) input.reload = true;
  if (options.failOnFailedDays) input.failOnFailedDays = true;
  return input as ImportInput;
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
