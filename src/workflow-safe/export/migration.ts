import { z } from 'zod';
import { checkExportFields, ExportFields, IsoHour } from './export-input';

const Name = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'name a stored destination connection');
const Duration = z.string().regex(/^\d+\s*(ms|s|m|h|d|seconds?|minutes?|hours?|days?)$/, 'expected a duration such as "1 hour", "90s" or "5 seconds"');

/** The migrateDestination workflow's input: move exports from one stored destination to another. */
export const MigrateDestinationInput = z.object({
  from: Name.describe('the destination exports move away from'),
  to: Name.describe('the destination they move to'),
  export: ExportFields.pick({ table: true, clock: true, timeColumn: true, sourceId: true, maxFileBytes: true }).strict()
    .superRefine(checkExportFields).default({ table: 'canonical.events', maxFileBytes: 100 * 1024 * 1024 })
    .describe('what is exported (as for exportTable, in Segment\'s format); the test export and the verification use it'),
  windows: z.object({ from: IsoHour, to: IsoHour }).strict().refine((r) => r.from < r.to, 'the range\'s "from" must come before its "to"').optional().describe('the windows exported to the test prefix and verified at the new location: [from, to); the last closed hour when absent'),
  overlap: Duration.default('1 hour').describe('how long both destinations stay enabled before the old one is disabled (a durable timer)'),
  requireApproval: z.boolean().default(false).describe('wait for an approval (the approveMigration update) before switching the new destination to its real prefix'),
}).strict().refine((i) => i.from !== i.to, { message: '"from" and "to" must be different destinations', path: ['to'] });
export type MigrateDestinationInput = z.input<typeof MigrateDestinationInput>;

export type MigrationStep =
  | 'validate' | 'test-export' | 'verify-test' | 'awaiting-approval' | 'switch' | 'overlap'
  | 'disable-old' | 'verify-new' | 'cleanup' | 'done' | 'rolling-back' | 'rolled-back';

/** One window read back from a destination, compared with the warehouse. */
export interface WindowVerification {
  window: string;
  objects: number;
  exported: number;
  expected: number;
  missing: number;
  unexpected: number;
  duplicates: number;
  problems: string[];
  ok: boolean;
}

/** What the migration query returns, and the workflow's result. */
export interface MigrationReport {
  from: string;
  to: string;
  step: MigrationStep;
  status: 'running' | 'paused' | 'completed' | 'rolled-back';
  /** What each step found, in order ("validate: active", "verify-test: 2 windows, 130 events, exact"...). */
  findings: string[];
  testPrefix: string;
  testVerification?: WindowVerification[];
  newVerification?: WindowVerification[];
  /** Why the migration rolled back. */
  reason?: string;
  approval?: { approved: boolean; by?: string; note?: string };
}

/** The approveMigration update's argument and answer. */
export interface MigrationApproval {
  approve: boolean;
  by?: string;
  note?: string;
}
export interface MigrationApprovalResult {
  accepted: boolean;
  message: string;
}
