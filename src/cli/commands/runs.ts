import type { Command } from 'commander';
import { cancelRun, describeRun, listRuns, queryImportProgress, runsQuery, runUrl, type RunView } from '../../client/run-control';
import { importWorkflowId } from '../../workflow-safe/workflow-ids';
import type { ImportProgress } from '../../workflow-safe/import/import-progress';
import { action, wholeNumber } from '../action';
import { CliFailure, type RegisterCommand } from '../command';
import type { CliContext } from '../context';
import { formatImportProgress, runProgressLine, requireWorker, waitWithProgress } from '../follow-run';

/** A run named by its workflow ID, or by `<connection> <table>` for that table's import. */
function workflowIdOf(idOrConnection: string, table: string | undefined): string {
  return table === undefined ? idOrConnection : importWorkflowId(idOrConnection, table);
}

function runLine(r: RunView): string {
  return [r.workflowId, r.status.toLowerCase(), r.kind ?? r.workflowType, r.startTime, r.failedDays ? `${r.failedDays} failed days` : ''].filter(Boolean).join('\t');
}

async function status(context: CliContext, workflowId: string): Promise<RunView & { url: string; progress?: ImportProgress }> {
  const temporal = await context.temporal();
  const run = await describeRun(temporal, workflowId);
  const progress = run.status === 'RUNNING' ? await queryImportProgress(temporal.workflow.getHandle(workflowId)) : undefined;
  return { ...run, url: runUrl(context.settings.temporalUiUrl, temporal.options.namespace, workflowId), ...(progress ? { progress } : {}) };
}

export const registerRuns: RegisterCommand = (program: Command, context) => {
  program.command('runs')
    .description('s3bridge\'s runs, newest first, found by their search attributes (connection, table, kind, failed days)')
    .option('--connection <name>', 'only this connection\'s runs')
    .option('--table <name>', 'only this table\'s runs')
    .option('--kind <kind>', 'import, import-day, discovery, validation, check-setup, maintenance, export, migration')
    .option('--status <status>', 'Running, Completed, Failed, Canceled, Terminated, TimedOut')
    .option('--failed-days', 'only imports with failed days')
    .option('--limit <n>', 'runs shown at most', '20')
    .action(action(context, async (options: { connection?: string; table?: string; kind?: string; status?: string; failedDays?: boolean; limit: string }) => {
      const query = runsQuery({ ...options, failed: options.failedDays });
      const runs = await listRuns(await context.temporal(), query, wholeNumber('--limit', options.limit, 20));
      context.emit(runs, (list) => (list.length === 0 ? `no runs match ${query}` : list.map(runLine).join('\n')));
    }));

  program.command('status')
    .description('a run\'s state, search attributes and (for an import) its progress')
    .argument('<id-or-connection>', 'a workflow ID, or a connection (with the table) for its import')
    .argument('[table]', 'the table, when the first argument is a connection')
    .action(action(context, async (id: string, table: string | undefined) => {
      context.emit(await status(context, workflowIdOf(id, table)), (s) => [
        `${s.workflowId}: ${s.status.toLowerCase()} (${s.workflowType}, started ${s.startTime}${s.closeTime ? `, closed ${s.closeTime}` : ''})`,
        ...(s.progress ? [`  ${formatImportProgress(s.progress)}`] : []),
        ...(s.failedDays ? [`  ${s.failedDays} failed days`] : []),
        `  ${s.url}`,
      ].join('\n'));
    }));

  program.command('watch')
    .description('follow a running import (or any run) until it ends; exit code 1 when it failed or any day failed')
    .argument('<id-or-connection>', 'a workflow ID, or a connection (with the table) for its import')
    .argument('[table]', 'the table, when the first argument is a connection')
    .action(action(context, async (id: string, table: string | undefined) => {
      const workflowId = workflowIdOf(id, table);
      const temporal = await context.temporal();
      const run = await describeRun(temporal, workflowId);
      context.note(`watching ${workflowId}\n  ${runUrl(context.settings.temporalUiUrl, temporal.options.namespace, workflowId)}`);
      if (run.status === 'RUNNING') await requireWorker(context, workflowId);
      const result = await waitWithProgress<unknown>(context, temporal.workflow.getHandle(workflowId), runProgressLine);
      const final = await describeRun(temporal, workflowId);
      context.emit({ ...final, result }, (r) => `${r.workflowId}: ${r.status.toLowerCase()}${r.failedDays ? `, ${r.failedDays} failed days` : ''}`);
      if (final.failedDays) {
        throw new CliFailure(`${final.failedDays} day${final.failedDays === 1 ? '' : 's'} of ${workflowId} failed; \`s3bridge status ${workflowId}\` and the Temporal UI show why`);
      }
    }));

  program.command('cancel')
    .description('cancel a running import, export or migration (committed days stay; the rest are untouched)')
    .argument('<id-or-connection>', 'a workflow ID, or a connection (with the table) for its import')
    .argument('[table]', 'the table, when the first argument is a connection')
    .action(action(context, async (id: string, table: string | undefined) => {
      const run = await cancelRun(await context.temporal(), workflowIdOf(id, table));
      context.emit(run, (r) => (r.status === 'CANCEL_REQUESTED' ? `cancellation requested for ${r.workflowId}` : `${r.workflowId} is not running (${r.status.toLowerCase()})`));
      if (run.status !== 'CANCEL_REQUESTED') throw new CliFailure(`${run.workflowId} is not running (${run.status.toLowerCase()})`);
    }));
};
