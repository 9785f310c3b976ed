import type { Command } from 'commander';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { ImportInput, ImportReport } from '../../workflow-safe/import/import-input';
import { action } from '../action';
import { CliFailure, type RegisterCommand } from '../command';
import type { CliContext } from '../context';
import { followRun, importProgressLine } from '../follow-run';
import { formatImportReport, importInputFromOptions, withImportOptions, type ImportOptions } from '../import-args';

/**
 * Starts an import, prints its ID and link, follows its progress and prints the report; any
 * failed day makes the exit code 1 (the report still lists every day).
 */
export async function runImport(context: CliContext, input: ImportInput, options: { detach?: boolean; idSuffix?: string }): Promise<void> {
  const s3bridge = await context.s3bridge();
  const handle = await s3bridge.startImport(input, options.idSuffix).catch((error: unknown) => {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new CliFailure(`an import with ID ${error.workflowId} is already running; \`s3bridge watch ${error.workflowId}\` follows it`);
    }
    throw error;
  });
  const { result, started } = await followRun<ImportReport>(context, handle, { detach: options.detach, progress: importProgressLine });
  if (!result) {
    context.emit(started, (s) => s.workflowId);
    return;
  }
  context.emit(result, formatImportReport);
  const failed = result.days.filter((d) => d.status === 'failed');
  if (failed.length > 0) throw new CliFailure(`${failed.length} of ${result.days.length} days failed: ${failed.map((d) => d.unit).join(', ')}`);
}

export const registerImport: RegisterCommand = (program: Command, context) => {
  withImportOptions(program.command('import'))
    .description('import a discovered table into the warehouse, one day partition at a time (new and changed days by default)')
    .option('--detach', 'print the run\'s ID and link and return at once (`s3bridge watch <id>` follows it)')
    .action(action(context, async (connection: string | undefined, table: string | undefined, options: ImportOptions & { detach?: boolean }) => {
      await runImport(context, importInputFromOptions(connection, table, options), { detach: options.detach });
    }));
};
