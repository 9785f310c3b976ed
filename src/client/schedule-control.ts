import { ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleSummary } from '@temporalio/client';

/** The workflows s3bridge's Schedules start, and the kind each stands for: a schedule of one of these is s3bridge's, even without the memo. */
const KIND_OF_WORKFLOW: Record<string, string> = {
  importTable: 'import', validateConnection: 'validation', discoverSchema: 'resync', exportTable: 'export', migrateDestination: 'migration',
};
const SCHEDULED_WORKFLOWS = new Set(Object.keys(KIND_OF_WORKFLOW));

/** One s3bridge Schedule as `schedules list` and `schedules describe` show it. */
export interface ScheduleView {
  scheduleId: string;
  kind: string;
  workflowType: string;
  /** The connection (and table) it runs for, from its memo. */
  connection?: string;
  table?: string;
  paused: boolean;
  note?: string;
  /** "daily 02:00 Europe/Paris", "every 6h". */
  spec: string;
  nextRuns: string[];
  recentRuns: { scheduledAt: string; workflowId?: string }[];
}

export class ScheduleMissing extends Error {}

function describeSpec(spec: ScheduleSummary['spec']): string {
  if (!spec) return '';
  const zone = spec.timezone ? ` ${spec.timezone}` : ' UTC';
  const calendars = (spec.calendars ?? []).map((c) => {
    const first = (r: unknown) => {
      const range = (Array.isArray(r) ? r[0] : r) as { start?: number } | number | undefined;
      return typeof range === 'number' ? range : range?.start ?? 0;
    };
    return `daily ${String(first(c.hour)).padStart(2, '0')}:${String(first(c.minute)).padStart(2, '0')}${zone}`;
  });
  const intervals = (spec.intervals ?? []).map((i) => `every ${typeof i.every === 'number' ? `${i.every / 1000}s` : String(i.every)}`);
  return [...calendars, ...intervals].join(', ');
}

function view(s: ScheduleSummary | ScheduleDescription): ScheduleView {
  const action = s.action as { workflowType?: string } | undefined;
  const memo = (s.memo ?? {}) as { s3bridge?: string; connection?: string; destination?: string; table?: string };
  const connection = memo.connection ?? memo.destination;
  return {
    scheduleId: s.scheduleId,
    kind: memo.s3bridge ?? KIND_OF_WORKFLOW[action?.workflowType ?? ''] ?? action?.workflowType ?? '',
    workflowType: action?.workflowType ?? '',
    ...(connection ? { connection } : {}),
    ...(memo.table ? { table: memo.table } : {}),
    paused: s.state.paused,
    ...(s.state.note ? { note: s.state.note } : {}),
    spec: describeSpec(s.spec),
    nextRuns: s.info.nextActionTimes.slice(0, 3).map((d) => d.toISOString()),
    recentRuns: s.info.recentActions.slice(-5).map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      ...('workflow' in a.action ? { workflowId: a.action.workflow.workflowId } : {}),
    })),
  };
}

/** s3bridge's Schedules (imports, exports, validations, resyncs), optionally those whose ID starts with `prefix`. */
export async function listSchedules(client: Client, prefix = ''): Promise<ScheduleView[]> {
  const views: ScheduleView[] = [];
  for await (const summary of client.schedule.list()) {
    const memo = (summary.memo ?? {}) as { s3bridge?: string };
    const type = (summary.action as { workflowType?: string } | undefined)?.workflowType ?? '';
    if (!summary.scheduleId.startsWith(prefix) || !(memo.s3bridge || SCHEDULED_WORKFLOWS.has(type))) continue;
    views.push(view(summary));
  }
  return views.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
}

/** Runs `fn` on a schedule's handle; a missing schedule becomes ScheduleMissing with a readable message. */
async function onSchedule<T>(client: Client, scheduleId: string, fn: (handle: ReturnType<Client['schedule']['getHandle']>) => Promise<T>): Promise<T> {
  try {
    return await fn(client.schedule.getHandle(scheduleId));
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) throw new ScheduleMissing(`no schedule "${scheduleId}"; \`s3bridge schedules list\` shows them`);
    throw error;
  }
}

export const describeSchedule = (client: Client, id: string) => onSchedule(client, id, async (h) => view(await h.describe()));
export const pauseSchedule = (client: Client, id: string, note?: string) => onSchedule(client, id, (h) => h.pause(note ?? 'paused with s3bridge schedules pause'));
export const unpauseSchedule = (client: Client, id: string, note?: string) => onSchedule(client, id, (h) => h.unpause(note ?? 'unpaused with s3bridge schedules unpause'));
export const triggerSchedule = (client: Client, id: string) => onSchedule(client, id, (h) => h.trigger());
export const deleteSchedule = (client: Client, id: string) => onSchedule(client, id, (h) => h.delete());
