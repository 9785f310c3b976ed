import { z } from 'zod';
import { ConnectionRef } from '../connection';

export const ValidateConnectionInput = z.object({
  /** A stored connection's name, or an inline connection (its status is stored under its name). */
  connection: ConnectionRef,
});
export type ValidateConnectionInput = z.input<typeof ValidateConnectionInput>;
