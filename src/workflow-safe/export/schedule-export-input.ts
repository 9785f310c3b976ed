import { z } from 'zod';
import { ExportInput } from './export-input';

/** The hourly Schedule of an export: at minute :40 (as Segment copies), the window that just closed. */
export const ScheduleExportInput = z.object({
  export: ExportInput,
  minute: z.number().int().min(0).max(59).default(40),
  /** How late a missed run may still start; the run after downtime exports every missed window anyway. */
  catchupWindow: z.string().regex(/^\d+\s*(s|m|h|d|seconds?|minutes?|hours?|days?)$/, 'expected a duration such as "1 hour" or "6h"').default('1 hour'),
}).strict();
export type ScheduleExportInput = z.input<typeof ScheduleExportInput>;
