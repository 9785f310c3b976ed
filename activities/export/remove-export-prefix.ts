import type { DestinationConnection } from '../../src/workflow-safe/connection';
import { destinationLocation } from '../../src/workflow-safe/export/destination-location';
import { abortOpenUploads, deleteKeys, listKeys } from '../../src/export/s3-multipart';
import { toS3Failure } from '../../src/s3/classify-s3-error';
import type { ActivityDeps } from '../deps';
import { destinationS3 } from './export-context';

export interface RemoveExportPrefixInput {
  destination: DestinationConnection;
  /** The folder to remove (the migration's test prefix); never empty. */
  prefix: string;
}

export function createRemoveExportPrefix({ settings, catalog }: ActivityDeps) {
  /** Removes an export folder (objects and open uploads) and its ledger entries; idempotent. */
  return async function removeExportPrefix({ destination, prefix }: RemoveExportPrefixInput): Promise<{ deleted: number; aborted: number }> {
    if (!prefix) throw new Error('refusing to remove an empty prefix (the whole bucket)');
    const s3 = await destinationS3(destination, { settings, catalog });
    try {
      const aborted = (await abortOpenUploads(s3, destination.bucket, `${prefix}/`)) ?? 0;
      const keys = await listKeys(s3, destination.bucket, `${prefix}/`);
      await deleteKeys(s3, destination.bucket, keys);
      await catalog.deleteExportLedger(`${destination.name}|${destinationLocation(destination, prefix)}|`);
      return { deleted: keys.length, aborted };
    } catch (error) {
      if ((error as { $metadata?: unknown }).$metadata !== undefined) throw toS3Failure(error, `removing s3://${destination.bucket}/${prefix}/`);
      throw error;
    } finally {
      s3.destroy();
    }
  };
}
