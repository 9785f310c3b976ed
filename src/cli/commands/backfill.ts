import type { Command } from 'commander';
import { action } from '../action';
import type { RegisterCommand } from '../command';
import { importInputFromOptions, withImportOptions, type ImportOptions } from '../import-args';
import { runImport } from './import';

export const registerBackfill: RegisterCommand = (program: Command, context) => {
  withImportOptions(program.command('backfill'), { days: false })
    .description('import a historical range of days beside a scheduled import (the same day never loads twice at once)')
    .requiredOption('--from <day>', 'the first day (YYYY-MM-DD)')
    .requiredOption('--to <day>', 'the last day, inclusive (YYYY-MM-DD)')
    .option('--detach', 'print the run\'s ID and link and return at once')
    .action(action(context, async (connection: string | undefined, table: string | undefined, options: ImportOptions & { from: string; to: string; detach?: boolean }) => {
      const input = { ...importInputFromOptions(connection, table, options), days: { from: options.from, to: options.to } };
      await runImport(context, input, { detach: options.detach, idSuffix: `-backfill-${options.from}-${options.to}` });
    }));
};
