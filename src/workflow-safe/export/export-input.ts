import { z } from 'zod';
import { ConnectionRef } from '../connection';

/** An hour boundary: `2025-06-01` (midnight), `2025-06-01T13`, `2025-06-01T13:00`, `2025-06-01T13:00:00Z`... (UTC). */
export const IsoHour = z.string().transform((value, ctx) => {
  const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2})(?::00(?::00(?:\.000)?)?)?)?Z?$/.exec(value);
  const ms = match ? Date.parse(`${match[1]}T${match[2] ?? '00'}:00:00Z`) : NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected a UTC hour such as "2025-06-01T13" or "2025-06-01T13:00:00Z", or a day "2025-06-01" (its midnight)' });
    return z.NEVER;
  }
  return ms;
});

/** Which hourly windows to export: a range [from, to), or "scheduled" (the window that just closed, missed ones, late rows). */
const WindowSelection = z.union([
  // The object first: a wrong range reports its own field, not "expected scheduled".
  z.object({ from: IsoHour, to: IsoHour }).strict().refine((r) => r.from < r.to, 'the range\'s "from" must come before its "to" ("to" is exclusive)'),
  z.literal('scheduled'),
], { error: 'windows must be "scheduled" or {"from": "2025-06-01T00", "to": "2025-06-02T00"} (UTC hours, "to" exclusive)' });

const SourceId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, "_" and "-" only (it becomes a folder name)');
const TableName = z.string().regex(/^[A-Za-z0-9_]+\.[^."]+$/, 'expected "schema.table", e.g. "canonical.events" or "raw.shop__orders"');

/** Which clock places a row in its hourly window: when s3bridge received (committed) it, or its own time column. */
export const ExportClock = z.enum(['received', 'event'], { error: 'clock must be "received" (the hour s3bridge committed the row) or "event" (the hour of its timeColumn)' });
export type ExportClock = z.output<typeof ExportClock>;

/** The exportTable workflow's fields, without the checks across them (the migration picks some). */
export const ExportFields = z.object({
  destination: ConnectionRef.describe('A destination connection, by name or inline'),
  table: TableName.default('canonical.events').describe('the warehouse table; canonical.events becomes Segment spec messages, any other table one JSON object per row'),
  clock: ExportClock.optional().describe('received: a window holds the rows received (committed by an import) in its hour, filed under that day (Segment\'s received-day); event: the rows whose timeColumn falls in its hour. The default: event for parquet or when timeColumn is given, received otherwise'),
  timeColumn: z.string().min(1).optional().describe('the column that places a row in its hourly window by event time; "timestamp" for canonical.events'),
  format: z.enum(['segment', 'parquet'], { error: 'format must be "segment" (gzipped NDJSON, segment-logs layout) or "parquet"' }).default('segment').describe('segment: gzipped NDJSON in Segment\'s segment-logs layout; parquet: Statsig-style dataset/day folders'),
  sourceId: SourceId.optional().describe('segment\'s source-id folder, or the Parquet dataset folder; the table\'s name when absent'),
  windows: WindowSelection.default('scheduled').describe('the hourly windows: {"from", "to"} (ISO hours, [from, to)), or "scheduled" (the windows a Schedule takes: missed ones, late rows and late commits)'),
  maxFileBytes: z.number().int().min(1024).default(100 * 1024 * 1024).describe('A batch file closes once its NDJSON reaches this many bytes before gzip (Parquet: once the file reaches it)'),
  lookbackHours: z.number().int().min(0).max(24 * 90).default(168).describe('scheduled runs re-export windows up to this many hours back whose rows changed since (late rows, late commits)'),
  maxCatchupWindows: z.number().int().min(1).max(24 * 90).default(168).describe('scheduled runs export at most this many missed windows (the newest ones)'),
  requireEnabled: z.boolean().optional().describe('skip the run when the destination is disabled in the catalog; scheduled runs always check'),
  prefixOverride: z.string().regex(/^[^/].*[^/]$|^$/, 'no leading or trailing slash').optional().describe('A migration\'s test export: write under this prefix instead of the connection\'s (its path is claimed as a test, and removed with it)'),
  asOf: IsoHour.optional().describe('the run\'s "now" for scheduled planning (tests, replays); the workflow clock when absent'),
  windowsPerRun: z.number().int().min(1).max(1000).default(250).describe('windows one workflow run exports before it continues as new (keeps each run\'s history small on long backfills)'),
}).strict();

/** The source ID a stream writes under: the given one, or the table's name made folder-safe. */
export function sourceIdOf(input: { table: string; sourceId?: string | undefined }): string {
  return input.sourceId ?? input.table.slice(input.table.indexOf('.') + 1).replace(/[^A-Za-z0-9_-]/g, '_');
}

/** The clock a run uses: the input's, else event time for Parquet or a given timeColumn, else received time. */
export function clockOf(input: { clock?: ExportClock | undefined; format?: string | undefined; timeColumn?: string | undefined }): ExportClock {
  return input.clock ?? (input.format === 'parquet' || input.timeColumn !== undefined ? 'event' : 'received');
}

/** The checks across fields, for exportTable's input and the migration's. */
export function checkExportFields(
  input: { table: string; clock?: ExportClock | undefined; format?: string | undefined; timeColumn?: string | undefined; sourceId?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  const clock = clockOf(input);
  if (clock === 'received' && input.format === 'parquet') {
    ctx.addIssue({ code: 'custom', path: ['clock'], message: 'the parquet format files rows under their own day ({dataset}/{YYYY-MM-DD}/): it exports by event time; drop "clock" or set "event"' });
  }
  if (clock === 'received' && input.timeColumn !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['timeColumn'], message: 'timeColumn places rows by event time, but "clock" is "received" (rows placed by the hour s3bridge committed them): drop timeColumn, or set "clock": "event"' });
  }
  if (input.format !== 'parquet' && sourceIdOf(input) === 'test') {
    ctx.addIssue({
      code: 'custom', path: ['sourceId'],
      message: `the source ID "test"${input.sourceId === undefined ? ' (the table\'s name)' : ''} is reserved: <prefix>/segment-logs/test is a migration's test folder (Segment's guide); give another sourceId`,
    });
  }
}

/** The exportTable workflow's input: small JSON, startable from the Temporal UI. */
export const ExportInput = ExportFields.superRefine(checkExportFields);
export type ExportInput = z.input<typeof ExportInput>;
export type ParsedExportInput = z.output<typeof ExportInput>;

/** What one window's export wrote. */
export interface WindowReport {
  window: string;
  windowStart: number;
  status: 'exported' | 'failed';
  /** Why it was exported: "scheduled", "missed", "late rows", "range". */
  reason: string;
  rows: number;
  files: number;
  bytes: number;
  keys: string[];
  /** Stale objects of an earlier run of this window that were removed, and interrupted uploads aborted. */
  removedKeys: number;
  abortedUploads: number;
  error?: string;
}

export interface ExportReport {
  destination: string;
  table: string;
  format: 'segment' | 'parquet';
  location: string;
  status: 'exported' | 'skipped' | 'partial';
  /** Why a scheduled run did nothing (destination disabled), or what was dropped. */
  note?: string;
  /** The windows of the last run; a backfill that continued as new counts earlier runs' windows in `totals` and `earlier`. */
  windows: WindowReport[];
  totals: { windows: number; failed: number; rows: number; files: number; bytes: number };
  /** What earlier runs of a backfill that continued as new exported (their windows are not listed). */
  earlier?: { runs: number; windows: number; rows: number; files: number; bytes: number };
}

/** A running export's progress (the exportProgress query), over every run of a long backfill. */
export interface ExportProgress {
  phase: 'planning' | 'exporting' | 'done';
  windowsPlanned: number;
  windowsDone: number;
  failed: number;
  /** The window being exported now. */
  current?: string;
  rows: number;
  files: number;
  bytes: number;
}

/** A planned window, as the workflow hands it to the export activity. */
export interface PlannedWindow {
  windowStart: number;
  reason: string;
}

