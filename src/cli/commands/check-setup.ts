import type { Command } from 'commander';
import type { CheckSetupResult } from '../../workflow-safe/inputs/check-setup-input';
import { action } from '../action';
import { UsageError, type RegisterCommand } from '../command';
import { followRun } from '../follow-run';
import { readConnectionArg } from '../read-connection-arg';

export const registerCheckSetup: RegisterCommand = (program: Command, context) => {
  program.command('check-setup')
    .description('list a bucket and read one Parquet object through the worker (smoke test)')
    .requiredOption('--connection <connection>', 'a stored connection\'s name, inline JSON or @file.json')
    .option('--sample-key <key>', 'the Parquet object to read (default: the first one under the prefix)')
    .action(action(context, async (options: { connection: string; sampleKey?: string }) => {
      const connection = readConnectionArg(options.connection);
      if (connection === undefined) throw new UsageError('missing --connection');
      const s3bridge = await context.s3bridge();
      const handle = await s3bridge.startCheckSetup({ connection: connection as never, sampleKey: options.sampleKey });
      const { result } = await followRun<CheckSetupResult>(context, handle, {});
      context.emit(result!, (r) => `read ${r.sampleRows} rows (${r.sampleColumns.length} columns) from s3://${r.bucket}/${r.sampleKey}; ${r.objectsListed} objects listed under "${r.prefix}"`);
    }));
};
