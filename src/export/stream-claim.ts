import { ApplicationFailure } from '@temporalio/common';
import type { DestinationConnection } from '../workflow-safe/connection';
import { streamPathOf, type ExportSpec } from '../workflow-safe/export/export-spec';
import { EXPORT_PATH_CLAIMED } from '../workflow-safe/failure-types';
import type { CatalogStore } from '../catalog/catalog-store';
import type { ExportStreamClaim } from '../catalog/export-stream-store';

/** The claim an export run makes on its folder. */
function claimOf(destination: DestinationConnection, spec: ExportSpec): ExportStreamClaim {
  const { folder, location } = streamPathOf(destination, spec);
  return {
    location, bucket: destination.bucket, folder, table: spec.table, sourceId: spec.sourceId, format: spec.format,
    // A spec recorded before clocks existed exported by event time.
    clock: spec.clock === 'received' ? 'received' : 'event', timeColumn: spec.clock === 'received' ? null : spec.timeColumn ?? null,
    purpose: spec.migrationTest ? 'migration-test' : 'stream', destination: destination.name,
  };
}

function describe(claim: ExportStreamClaim): string {
  const clock = claim.clock === 'received' ? 'by received time' : `by event time${claim.timeColumn ? ` (${claim.timeColumn})` : ''}`;
  const what = claim.purpose === 'migration-test' ? `a migration's test export of ${claim.table}` : `the export of ${claim.table}`;
  return `${what} ${clock}, claimed by destination "${claim.destination}"${claim.claimedAt ? ` on ${claim.claimedAt.slice(0, 19)}` : ''}`;
}

/**
 * Claims the run's folder for its stream, or refuses (non-retryable) when another stream holds
 * it: their files would overwrite each other's and each run would delete the other's batches.
 */
export async function claimStreamPath(catalog: CatalogStore, destination: DestinationConnection, spec: ExportSpec): Promise<void> {
  const wanted = claimOf(destination, spec);
  const held = await catalog.claimExportStream(wanted);
  if (!held) return;
  let fix: string;
  if (held.purpose === 'migration-test' && wanted.purpose === 'migration-test') {
    fix = 'another migration to this destination is testing; wait for it to finish or roll back';
  } else if (held.purpose === 'migration-test' || wanted.purpose === 'migration-test') {
    fix = 'a migration\'s test folder is never a real stream\'s: give the destination another prefix, or the export another sourceId';
  } else if (held.format !== wanted.format) {
    // A Parquet dataset folder can be a Segment source folder (prefix "p/segment-logs", dataset "web"): day folders of two kinds.
    fix = `one folder holds one format: export ${wanted.table} as ${held.format} here, or as ${wanted.format} under another sourceId (or destination prefix)`;
  } else if (held.table === wanted.table) {
    fix = `one folder keeps one clock: export ${wanted.table} ${held.clock === 'received' ? 'by received time' : 'by the same event time column'} here, or under another sourceId`;
  } else {
    fix = `one folder holds one stream: export ${wanted.table} under another sourceId (or destination prefix)`;
  }
  throw ApplicationFailure.create({
    type: EXPORT_PATH_CLAIMED,
    nonRetryable: true,
    message: `refused: ${held.location} holds ${describe(held)}; ${fix}`,
  });
}
