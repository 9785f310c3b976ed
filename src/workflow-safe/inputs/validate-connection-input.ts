import { z } from 'zod';
import { ConnectionRef } from '../connection';

export const ValidateConnectionInput = z.object({
  connection: ConnectionRef.describe('a stored connection\'s name, or an inline connection (its status is stored under its name)'),
});
export type ValidateConnectionInput = z.input<typeof ValidateConnectionInput>;
