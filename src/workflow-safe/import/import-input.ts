import { z } from 'zod';
import { ConnectionRef, type Connection } from '../connection';
import { ImportMapping } from './mapping';

const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO day such as "2025-01-31"');

/** Which day partitions to import: a range (inclusive), every day found, or what is new or changed. */
export const DaySelection = z.union([
  z.literal('all'),
  z.literal('new-and-changed'),
  z.object({ from: IsoDay, to: IsoDay }).strict().refine((r) => r.from <= r.to, 'the range\'s "from" comes after its "to"'),
], { error: 'days must be "all", "new-and-changed" or {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}' });
export type DaySelection = z.infer<typeof DaySelection>;

/** fail-day: the first bad row fails its day; skip-to-rejects: bad rows go to s3bridge.rejects. */
export const ErrorPolicy = z.enum(['fail-day', 'skip-to-rejects']);
export type ErrorPolicy = z.infer<typeof ErrorPolicy>;

/** evolve: add/widen warehouse columns; fail: fail the day with the diff; wait: hold the day until the drift is approved. */
const DriftPolicy = z.enum(['evolve', 'fail', 'wait']);
type DriftPolicy = z.infer<typeof DriftPolicy>;

/** The importTable workflow's input: small JSON, startable from the Temporal UI. */
export const ImportInput = z.object({
  connection: ConnectionRef.describe('a stored source connection\'s name, or an inline one'),
  table: z.string().min(1, 'name a discovered table').describe('a discovered table (`s3bridge tables list <connection>`)'),
  days: DaySelection.default('new-and-changed').describe('which day partitions: "all", "new-and-changed" (new days and days whose files changed), or {"from", "to"} (inclusive ISO days)'),
  earliest: IsoDay.optional().describe('the first day a "new-and-changed" or "all" run considers, so a first run does not pull years of history'),
  mapping: ImportMapping.default({ mode: 'raw' }).describe('how rows land: {"mode": "raw"} (the table as it is), "events" or "metrics" (canonical tables)'),
  errorPolicy: ErrorPolicy.default('fail-day').describe('fail-day: the first bad row fails its day; skip-to-rejects: bad rows go to s3bridge.rejects'),
  driftPolicy: DriftPolicy.default('fail').describe('evolve: add or widen warehouse columns; fail: fail the day with the diff; wait: hold the day until the drift is approved'),
  concurrency: z.number().int().min(1).max(64).default(4).describe('days loaded at once (child workflows in flight)'),
  reload: z.boolean().default(false).describe('reload the selected days even when their files are unchanged'),
  failOnFailedDays: z.boolean().default(false).describe(
    'fail the workflow itself when any day failed (the report is in the failure\'s details), so a Schedule\'s failed run alerts; '
    + 'by default the run completes and reports the failed days',
  ),
}).strict();
export type ImportInput = z.input<typeof ImportInput>;

/** One day partition (or the whole table, unit "all") as planned and as reported. */
export interface DayReport {
  unit: string;
  /** The ISO day, or null for a table without a day partition. */
  day: string | null;
  status: 'loaded' | 'skipped' | 'failed';
  rows: number;
  rejectedRows: number;
  files: number;
  bytes: number;
  durationMs: number;
  /** Why a day was skipped ("unchanged") or failed (the error), or why it was loaded ("new", "files changed"). */
  reason: string;
  loadId?: string;
  /** Columns added or widened by the drift policy "evolve" (or an approval). */
  drift?: string;
  /** How a loaded day's rows reached the warehouse: read by it from S3 in the commit ("direct"), or through local staged files ("staged"). */
  path?: 'direct' | 'staged';
}

export interface ImportReport {
  connection: string;
  table: string;
  /** The warehouse table the rows went to. */
  target: string;
  days: DayReport[];
  totals: { loaded: number; skipped: number; failed: number; rows: number; rejectedRows: number; files: number; bytes: number };
}

/**
 * The importDay workflow's input: importTable starts it, but anyone can start a workflow, so it is
 * parsed like every public input and the connection is checked Active again.
 */
export const ImportDayInput = z.object({
  /** The stored connection's name, or the inline connection the import was started with. */
  connection: ConnectionRef,
  table: z.string().min(1, 'name a discovered table'),
  unit: z.string().regex(/^(all|\d{4}-\d{2}-\d{2})$/, 'expected an ISO day such as "2025-01-31", or "all" for a table without a day partition'),
  mapping: ImportMapping,
  errorPolicy: ErrorPolicy,
  driftPolicy: DriftPolicy,
  reload: z.boolean(),
}).strict();
export type ImportDayInput = z.input<typeof ImportDayInput>;

/** One day's load: the loadDayPartition activity's input (the connection resolved and Active). */
export interface DayLoadInput {
  connection: Connection;
  table: string;
  /** The ISO day, or "all" for a table without a day partition. */
  unit: string;
  mapping: ImportMapping;
  errorPolicy: ErrorPolicy;
  driftPolicy: DriftPolicy;
  reload: boolean;
}

/**
 * A batch of small days loaded by one activity (loadDayBatch) and committed in one warehouse
 * transaction: the connection as the import named it (the activity checks it is Active itself).
 */
export interface DayBatchInput {
  connection: ConnectionRef;
  table: string;
  /** The batch's ISO days, as planned. */
  units: string[];
  mapping: ImportMapping;
  errorPolicy: ErrorPolicy;
  driftPolicy: DriftPolicy;
  reload: boolean;
}

/** Each day of a batch: its own report (loaded, skipped or failed with its reason), or held for its own load. */
export interface DayBatchResult {
  /** Reports of the batch's days, in the batch's order, except the held ones. */
  reports: DayReport[];
  /** Days whose schema drift waits for approval (driftPolicy "wait"): the import loads each on its own (importDay), which waits. */
  held: string[];
}
