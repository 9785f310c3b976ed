import { z } from 'zod';
import { ConnectionRef } from '../connection';

export const CheckSetupInput = z.object({
  connection: ConnectionRef.describe('a stored connection\'s name, or an inline connection'),
  sampleKey: z.string().min(1).optional().describe('a Parquet object to read; the first `.parquet` under the prefix when absent'),
});
export type CheckSetupInput = z.input<typeof CheckSetupInput>;

export interface CheckSetupResult {
  bucket: string;
  prefix: string;
  objectsListed: number;
  sampleKey: string;
  sampleRows: number;
  sampleColumns: { name: string; type: string }[];
}
