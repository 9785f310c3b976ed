import type { Command } from 'commander';
import {
  deleteSchedule, describeSchedule, listSchedules, pauseSchedule, triggerSchedule, unpauseSchedule, type ScheduleView,
} from '../../client/schedule-control';
import { action } from '../action';
import type { RegisterCommand } from '../command';

function line(s: ScheduleView): string {
  return [s.scheduleId, s.kind, s.paused ? 'paused' : 'active', s.spec, s.nextRuns[0] ? `next ${s.nextRuns[0]}` : ''].filter(Boolean).join('\t');
}

function details(s: ScheduleView): string {
  return [
    `${s.scheduleId} (${s.kind}, workflow ${s.workflowType}): ${s.paused ? 'paused' : 'active'}${s.note ? ` (${s.note})` : ''}`,
    `  runs: ${s.spec}`,
    ...(s.nextRuns.length ? [`  next: ${s.nextRuns.join(', ')}`] : []),
    ...s.recentRuns.map((r) => `  ran:  ${r.scheduledAt}${r.workflowId ? ` ${r.workflowId}` : ''}`),
  ].join('\n');
}

export const registerSchedules: RegisterCommand = (program: Command, context) => {
  const schedules = program.command('schedules')
    .description('the Temporal Schedules s3bridge creates (imports, exports, validations, resyncs): list, describe, pause, unpause, trigger, delete');

  schedules.command('list')
    .description('every s3bridge schedule: ID, kind, state, when it runs')
    .option('--prefix <prefix>', 'only schedules whose ID starts with this')
    .action(action(context, async (options: { prefix?: string }) => {
      const list = await listSchedules(await context.temporal(), options.prefix);
      context.emit(list, (l) => (l.length === 0 ? 'no s3bridge schedules' : l.map(line).join('\n')));
    }));

  schedules.command('describe')
    .description('one schedule: state, spec, next and recent runs')
    .argument('<schedule-id>', 'e.g. import-shop-events (see `schedules list`)')
    .action(action(context, async (id: string) => context.emit(await describeSchedule(await context.temporal(), id), details)));

  const change = (name: string, description: string, run: (id: string, note?: string) => Promise<void>, done: string) => {
    schedules.command(name)
      .description(description)
      .argument('<schedule-id>', 'the schedule\'s ID (see `schedules list`)')
      .option('--note <text>', 'why (shown in the Temporal UI)')
      .action(action(context, async (id: string, options: { note?: string }) => {
        await run(id, options.note);
        context.emit({ scheduleId: id, [name === 'trigger' ? 'triggered' : `${name}d`]: true }, () => `${done} ${id}`);
      }));
  };
  change('pause', 'stop starting runs until unpaused', async (id, note) => pauseSchedule(await context.temporal(), id, note), 'paused');
  change('unpause', 'start runs again', async (id, note) => unpauseSchedule(await context.temporal(), id, note), 'unpaused');
  change('trigger', 'start a run now (outside the calendar)', async (id) => triggerSchedule(await context.temporal(), id), 'triggered');
  change('delete', 'delete the schedule (its past runs stay in history)', async (id) => deleteSchedule(await context.temporal(), id), 'deleted');
};
