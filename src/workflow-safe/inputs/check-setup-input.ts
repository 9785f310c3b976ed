import { z } from 'zod';
import { ConnectionRef } from '../connection';

export const CheckSetupInput = z.object({
  connection: ConnectionRef,
  /** A Parquet object to read; the first `.parquet` under the prefix when absent. */
  sampleKey: z.string().min(1).optional(),
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
