import type { Command } from 'commander';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { ExportInput, ExportReport } from '../../workflow-safe/export/export-input';
import { withCatalog } from '../../client/with-catalog';
import { action, integerIn } from '../action';
import { CliFailure, UsageError, type RegisterCommand } from '../command';
import type { CliContext } from '../context';
import { exportProgressLine, followRun } from '../follow-run';
import { exportInputFromOptions, formatExportReport, rangeHelp, withExportOptions, type ExportOptions } from '../export-args';

/** Starts an export, prints its ID and link, waits and prints the report; a partial export exits 1. */
async function runExport(context: CliContext, input: ExportInput, options: { detach?: boolean; idSuffix?: string }): Promise<void> {
  const s3bridge = await context.s3bridge();
  const handle = await s3bridge.startExport(input, options.idSuffix).catch((error: unknown) => {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new CliFailure(`an export with ID ${error.workflowId} is already running; \`s3bridge watch ${error.workflowId}\` follows it`);
    }
    throw error;
  });
  const { result, started } = await followRun<ExportReport>(context, handle, { detach: options.detach, progress: exportProgressLine });
  if (!result) {
    context.emit(started, (s) => s.workflowId);
    return;
  }
  context.emit(result, formatExportReport);
  if (result.status === 'partial') {
    const failed = result.windows.filter((w) => w.status === 'failed').map((w) => w.window);
    throw new CliFailure(`the export stopped at a failed window (${failed.join(', ')}); the next run resumes from it`);
  }
}

export const registerExport: RegisterCommand = (program: Command, context) => {
  const exp = program.command('export')
    .description('export a warehouse table to a destination in hourly windows (Segment segment-logs layout); backfill, schedule, enable, disable');

  withExportOptions(exp.command('run', { isDefault: true }))
    .description('export now: the scheduled windows, or --from/--to (`s3bridge export <destination>` runs this)')
    .option('--detach', 'print the run\'s ID and link and return at once')
    .action(action(context, async (destination: string, options: ExportOptions & { detach?: boolean }) => {
      await runExport(context, exportInputFromOptions(destination, options), { detach: options.detach });
    }));

  withExportOptions(exp.command('backfill'), { range: false })
    .description('export a range of hours under its own workflow ID, beside the scheduled export')
    .requiredOption('--from <hour>', rangeHelp().from)
    .requiredOption('--to <hour>', rangeHelp().to)
    .option('--detach', 'print the run\'s ID and link and return at once')
    .action(action(context, async (destination: string, options: ExportOptions & { from: string; to: string; detach?: boolean }) => {
      const input = exportInputFromOptions(destination, options);
      const idSuffix = `-backfill-${options.from}-${options.to}`.replace(/[^A-Za-z0-9_-]/g, '');
      await runExport(context, input, { detach: options.detach, idSuffix });
    }));

  withExportOptions(exp.command('schedule'), { range: false })
    .description('create or update the hourly Temporal Schedule of an export (late rows and missed windows included)')
    .option('--minute <0-59>', 'the minute past each hour', '40')
    .option('--catchup <duration>', 'how late a missed run may still start', '1 hour')
    .action(action(context, async (destination: string, options: ExportOptions & { minute: string; catchup: string }) => {
      const scheduleId = await (await context.s3bridge()).scheduleExport({
        export: exportInputFromOptions(destination, options),
        minute: integerIn('--minute', options.minute, 0, 59),
        catchupWindow: options.catchup,
      });
      context.emit({ scheduleId }, (v) => `scheduled hourly export at :${options.minute.padStart(2, '0')}: Temporal Schedule ${v.scheduleId}`);
    }));

  for (const state of ['enable', 'disable'] as const) {
    exp.command(state)
      .description(state === 'enable' ? 'let scheduled exports write to the destination again' : 'make scheduled exports to the destination skip (a run says why)')
      .argument('<destination>', 'a destination connection')
      .option('--reason <text>', 'why (shown in skipped runs)')
      .action(action(context, async (name: string, options: { reason?: string }) => {
        if (!name) throw new UsageError('missing the destination name');
        await withCatalog(context.settings, (catalog) => catalog.setDestinationStates([{ name, enabled: state === 'enable', reason: options.reason ?? `${state}d by the CLI` }]));
        context.emit({ destination: name, enabled: state === 'enable' }, () => `destination "${name}" ${state}d`);
      }));
  }
};
