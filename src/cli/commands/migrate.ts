import { Option, type Command } from 'commander';
import type { MigrationReport } from '../../workflow-safe/export/migration';
import { migrationStateQuery } from '../../../workflows/definitions';
import { action } from '../action';
import { CliFailure, type RegisterCommand } from '../command';
import { followRun, type ProgressLine } from '../follow-run';
import { rangeHelp, rangeOf } from '../export-args';

const MIGRATION_RANGE_FLAGS = { from: '--from-hour', to: '--to-hour' };
const MIGRATION_RANGE_HELP = rangeHelp(MIGRATION_RANGE_FLAGS);

function formatMigration(report: MigrationReport): string {
  return [
    `${report.from} -> ${report.to}: ${report.status} (step ${report.step})${report.reason ? `: ${report.reason}` : ''}`,
    ...report.findings.map((f) => `  ${f}`),
  ].join('\n');
}

const migrationProgressLine: ProgressLine = async (handle) => {
  const state = await handle.query(migrationStateQuery);
  return `${state.from} -> ${state.to}: ${state.status} (step ${state.step})`;
};

export const registerMigrate: RegisterCommand = (program: Command, context) => {
  const migrate = program.command('migrate')
    .description('move exports to a new destination: validate, test prefix, verify, switch, overlap, disable the old one (status, pause, resume, approve, refuse, abort)');

  migrate.command('start', { isDefault: true })
    .description('start the migration (`s3bridge migrate <from> <to>` runs this); exit code 1 unless it completes')
    .argument('<from>', 'the old destination')
    .argument('<to>', 'the new destination')
    .option('--from-hour <hour>', `the first hour exported to the test folder and verified: ${MIGRATION_RANGE_HELP.from}`)
    .option('--to-hour <hour>', MIGRATION_RANGE_HELP.to)
    .option('--overlap <duration>', 'how long both destinations receive exports', undefined)
    .option('--require-approval', 'wait for `migrate approve` before the switch')
    .option('--table <schema.table>', 'the exported table')
    .addOption(new Option('--clock <clock>', 'the export\'s clock: received (default) or event').choices(['received', 'event']))
    .option('--source-id <id>', 'the export\'s source-id folder')
    .option('--detach', 'print the run\'s ID and link and return at once')
    .action(action(context, async (from: string, to: string, options: {
      fromHour?: string; toHour?: string; overlap?: string; requireApproval?: boolean; table?: string; clock?: 'received' | 'event'; sourceId?: string; detach?: boolean;
    }) => {
      const windows = rangeOf(options.fromHour, options.toHour, MIGRATION_RANGE_FLAGS);
      const exported = {
        ...(options.table ? { table: options.table } : {}), ...(options.clock ? { clock: options.clock } : {}), ...(options.sourceId ? { sourceId: options.sourceId } : {}),
      };
      const input = {
        from, to,
        ...(windows ? { windows } : {}),
        ...(options.overlap ? { overlap: options.overlap } : {}),
        ...(options.requireApproval ? { requireApproval: true } : {}),
        ...(Object.keys(exported).length > 0 ? { export: exported } : {}),
      };
      const handle = await (await context.s3bridge()).startMigrateDestination(input);
      const { result, started } = await followRun<MigrationReport>(context, handle, { detach: options.detach, progress: migrationProgressLine });
      if (!result) {
        context.emit(started, (s) => s.workflowId);
        return;
      }
      context.emit(result, formatMigration);
      if (result.status !== 'completed') throw new CliFailure(`the migration ${from} -> ${to} ended ${result.status}${result.reason ? `: ${result.reason}` : ''}`);
    }));

  const pair = (name: string, description: string) => migrate.command(name).description(description)
    .argument('<from>', 'the old destination').argument('<to>', 'the new destination');

  pair('status', 'the migration\'s step, status and findings so far')
    .action(action(context, async (from: string, to: string) => context.emit(await (await context.s3bridge()).queryMigration(from, to), formatMigration)));
  for (const control of ['pause', 'resume'] as const) {
    pair(control, control === 'pause' ? 'hold the migration before its next step' : 'carry on after a pause')
      .action(action(context, async (from: string, to: string) => {
        const s3bridge = await context.s3bridge();
        await (control === 'pause' ? s3bridge.pauseMigration(from, to) : s3bridge.resumeMigration(from, to));
        context.emit({ from, to, sent: control }, () => `${control} sent to the migration ${from} -> ${to}`);
      }));
  }
  for (const answer of ['approve', 'refuse'] as const) {
    pair(answer, answer === 'approve' ? 'approve the switch to the new destination' : 'refuse the switch (the migration rolls back)')
      .option('--by <name>', 'who answers')
      .option('--note <text>', 'why')
      .action(action(context, async (from: string, to: string, options: { by?: string; note?: string }) => {
        const result = await (await context.s3bridge()).approveMigration(from, to, {
          approve: answer === 'approve', ...(options.by ? { by: options.by } : {}), ...(options.note ? { note: options.note } : {}),
        });
        context.emit(result, (r) => `${r.accepted ? 'accepted' : 'not accepted'}: ${r.message}`);
        if (!result.accepted) throw new CliFailure(`not accepted: ${result.message}`);
      }));
  }
  pair('abort', 'roll the migration back')
    .option('--reason <text>', 'why')
    .action(action(context, async (from: string, to: string, options: { reason?: string }) => {
      await (await context.s3bridge()).abortMigration(from, to, options.reason);
      context.emit({ from, to, sent: 'abort' }, () => `abort sent: the migration ${from} -> ${to} rolls back`);
    }));
};
