import type { DestinationConnection } from '../../src/workflow-safe/connection';
import { destinationLocation, destinationPlace } from '../../src/workflow-safe/export/destination-location';
import { isBatchKeyIn } from '../../src/workflow-safe/export/export-layout';
import { abortOpenUploads, deleteKeys, listKeys } from '../../src/export/s3-multipart';
import type { ActivityDeps } from '../deps';
import { classifyExportError, destinationS3 } from './export-context';

export interface RemoveExportPrefixInput {
  destination: DestinationConnection;
  /** The migration's test prefix (`<prefix>/segment-logs/test`); never empty. */
  prefix: string;
}

export function createRemoveExportPrefix({ settings, catalog }: ActivityDeps) {
  /**
   * Removes a migration's test export under `prefix`: for each test stream claimed there (at
   * this destination's endpoint and bucket), its window files and open uploads, its ledger
   * entries and its claim. Nothing else under the prefix is touched: another stream's folder, or
   * an object someone else put there. Idempotent.
   */
  return async function removeExportPrefix({ destination, prefix }: RemoveExportPrefixInput): Promise<{ deleted: number; aborted: number }> {
    if (!prefix) throw new Error('refusing to remove an empty prefix (the whole bucket)');
    const s3 = await destinationS3(destination, { settings, catalog });
    try {
      // Claims made before places were spelled one way carry the connection's own spelling of the endpoint.
      const ours = (c: { location: string; folder: string }) => c.location === destinationPlace(destination, c.folder) || c.location === destinationLocation(destination, c.folder);
      const claims = (await catalog.testStreamClaims(destination.bucket, prefix)).filter(ours);
      let deleted = 0;
      let aborted = 0;
      for (const claim of claims) {
        const keys = (await listKeys(s3, destination.bucket, `${claim.folder}/`)).filter((key) => isBatchKeyIn(claim.folder, key));
        // Uploads of the exact keys too: MinIO lists the uploads of one exact key only.
        aborted += (await abortOpenUploads(s3, destination.bucket, `${claim.folder}/`, ...keys)) ?? 0;
        await deleteKeys(s3, destination.bucket, keys);
        deleted += keys.length;
      }
      await catalog.deleteExportLedger(`${destination.name}|${destinationLocation(destination, prefix)}|`);
      await catalog.releaseExportStreams(claims.map((c) => c.location));
      return { deleted, aborted };
    } catch (error) {
      throw classifyExportError(error, `removing the test export under s3://${destination.bucket}/${prefix}/`);
    } finally {
      s3.destroy();
    }
  };
}
