import { z } from 'zod';
import { ConnectionRef } from '../connection';

const Problem = z.object({ kind: z.string(), message: z.string(), files: z.array(z.string()).optional(), fileCount: z.number().optional() });

/** The discoverSchema workflow's input, as anyone may start it (the Temporal UI, a Schedule, the client). */
export const DiscoverSchemaInput = z.object({
  connection: ConnectionRef.describe('a stored source connection\'s name, or an inline one'),
  sampleFiles: z.number().int().min(1).max(100).default(5).describe('files per table whose schema DuckDB reads: the N most recent (LastModified)'),
  batchSize: z.number().int().min(1).max(1000).default(25).describe('tables one activity discovers; it heartbeats after each'),
  concurrentBatches: z.number().int().min(1).max(32).default(4).describe('batch activities in flight at once'),
  concurrentTables: z.number().int().min(1).max(64).default(8).describe('tables one batch discovers at once'),
  continueAsNewAfterEvents: z.number().int().min(10).max(40_000).default(10_000).describe('continue as new once history has this many events (Temporal\'s limit is 50k; tests lower it to exercise the path)'),
  holdDrift: z.boolean().default(true).describe('hold schema changes for review: a changed table is marked drifted until approved'),
  resume: z.never({ error: 'set only by discovery itself when it continues as new; start a discovery without it' }).optional().describe('refused from outside: only a run that discovery continued as new carries where it stopped'),
});
export type DiscoverSchemaInput = z.input<typeof DiscoverSchemaInput>;

/**
 * The input of a run that discovery continued as new: the public input plus where it stopped.
 * Internal: the workflow accepts it only in a run Temporal marks as continued, never from a start.
 */
export const DiscoverSchemaContinuation = DiscoverSchemaInput.extend({
  resume: z.object({ discoveryId: z.string(), startedAt: z.string(), nextOffset: z.number().int().min(0), tableCount: z.number().int().min(0),
    schemaProblems: z.array(Problem) }),
});
export type DiscoverSchemaContinuation = z.input<typeof DiscoverSchemaContinuation>;
export type DiscoverSchemaOptions = Omit<z.output<typeof DiscoverSchemaInput>, 'resume'> & { resume?: z.output<typeof DiscoverSchemaContinuation>['resume'] };

export const ApproveTableDriftInput = z.object({
  connection: z.string().min(1).describe('the stored connection\'s name'),
  table: z.string().min(1).describe('the table whose held schema change is accepted'),
});
export type ApproveTableDriftInput = z.input<typeof ApproveTableDriftInput>;

/** A Temporal Schedule that re-runs discovery (resync) every `every` (Temporal interval: `6h`, `1d`). */
export const ScheduleResyncInput = z.object({
  connection: z.string().min(1, 'name a stored connection'),
  every: z.string().regex(/^\d+\s*(s|m|h|d)$/, 'expected an interval such as "30m", "6h" or "1d"').default('6h'),
});
export type ScheduleResyncInput = z.input<typeof ScheduleResyncInput>;
