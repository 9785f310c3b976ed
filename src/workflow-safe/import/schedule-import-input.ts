import { z } from 'zod';
import { ImportInput } from './import-input';

/** A daily Schedule of one import: it runs after the day closes and imports new and changed days. */
export const ScheduleImportInput = z.object({
  import: ImportInput,
  /** The UTC hour and minute of the daily run: late enough for the source to have written the closed day. */
  hour: z.number().int().min(0).max(23).default(2),
  minute: z.number().int().min(0).max(59).default(0),
  /** The IANA time zone of hour:minute (e.g. "Europe/Paris"); UTC by default. Temporal follows its daylight-saving changes. */
  timezone: z.string().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$|^UTC$/, 'expected an IANA time zone such as "Europe/Paris" or "UTC"').optional(),
  /** How late a missed run (server down) may still start; older ones are dropped, the next run catches up. */
  catchupWindow: z.string().regex(/^\d+\s*(s|m|h|d|seconds?|minutes?|hours?|days?)$/, 'expected a duration such as "1 day" or "6h"').default('1 day'),
}).strict();
export type ScheduleImportInput = z.input<typeof ScheduleImportInput>;
