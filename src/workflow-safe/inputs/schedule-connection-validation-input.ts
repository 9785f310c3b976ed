import { z } from 'zod';
import { ConnectionRef } from '../connection';

export const ScheduleConnectionValidationInput = z.object({
  connection: ConnectionRef,
  /** How often to re-validate: a duration such as "6h", "30m" or "1d". */
  every: z
    .string()
    .regex(/^\d+\s*(m|h|d)$/, 'expected a duration such as "30m", "6h" or "1d"')
    .default('6h'),
});
export type ScheduleConnectionValidationInput = z.input<typeof ScheduleConnectionValidationInput>;
