import type { Command } from 'commander';
import { action, integerIn } from '../action';
import type { RegisterCommand } from '../command';
import { importInputFromOptions, withImportOptions, type ImportOptions } from '../import-args';

export const registerSchedule: RegisterCommand = (program: Command, context) => {
  withImportOptions(program.command('schedule'), { days: false })
    .description('create or update (in place: history and paused state survive) the daily Temporal Schedule of an import')
    .option('--hour <0-23>', 'the hour of the daily run', '2')
    .option('--minute <0-59>', 'the minute of the daily run', '0')
    .option('--timezone <zone>', 'the IANA time zone of hour:minute (default UTC), e.g. Europe/Paris')
    .option('--catchup <duration>', 'how late a missed run may still start', '1 day')
    .action(action(context, async (connection: string | undefined, table: string | undefined,
      options: ImportOptions & { hour: string; minute: string; timezone?: string; catchup: string }) => {
      const input = importInputFromOptions(connection, table, options);
      const scheduleId = await (await context.s3bridge()).scheduleImport({
        import: input,
        hour: integerIn('--hour', options.hour, 0, 23),
        minute: integerIn('--minute', options.minute, 0, 59),
        catchupWindow: options.catchup,
        ...(options.timezone ? { timezone: options.timezone } : {}),
      });
      context.emit({ scheduleId }, (v) => `scheduled daily import of ${input.table} at ${options.hour.padStart(2, '0')}:${options.minute.padStart(2, '0')} ${options.timezone ?? 'UTC'}: Temporal Schedule ${v.scheduleId}`);
    }));
};
