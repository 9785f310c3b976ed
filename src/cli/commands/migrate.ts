import type { Command } from 'commander';
import type { MigrationReport } from '../../workflow-safe/export/migration';
import { migrationStateQuery } from '../../../workflows/definitions';
import { action } from '../action';
import { CliFailure, type RegisterCommand } from '../command';
import { followRun, type ProgressLine } from '../follow-run';

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
    .option('--from-hour <hour>', 'the first hour to verify on the new destination')
    .option('--to-hour <hour>', 'the last hour to verify')
    .option('--overlap <duration>', 'how long both destinations receive exports', undefined)
    .option('--require-approval', 'wait for `migrate approve` before the switch')
    .option('--table <schema.table>', 'the exported table')
    .option('--source-id <id>', 'the export\'s source-id folder')
    .option('--detach', 'print the run\'s ID and link and return at once')
    .action(action(context, async (from: string, to: string, options: {
      fromHour?: string; toHour?: string; overlap?: string; requireApproval?: boolean; table?: string; sourceId?: string; detach?: boolean;
    }) => {
      const input = {
        from, to,
        ...(options.fromHour || options.toHour ? { windows: { from: options.fromHour ?? '', to: options.toHour ?? '' } } : {}),
        ...(options.overlap ? { overlap: options.overlap } : {}),
        ...(options.requireApproval ? { requireApproval: true } : {}),
        ...(options.table || options.sourceId ? { export: { ...(options.table ? { table: options.table } : {}), ...(options.sourceId ? { sourceId: options.sourceId } : {}) } } : {}),
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
