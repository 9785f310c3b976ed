import { Context } from '@temporalio/activity';
import type { SourceConnection } from '../../src/workflow-safe/connection';
import type { DiscoveryBatchSummary } from '../../src/workflow-safe/discovery/discovery-report';
import { resolveCredentials } from '../../src/s3/resolve-credentials';
import { createS3Client } from '../../src/s3/create-s3-client';
import type { StagedResult } from '../../src/catalog/discovery-staging-store';
import { discoverTable } from '../../src/discovery/discover-table';
import { mapBounded } from '../../src/discovery/map-bounded';
import { failOnEgressRefusal, openS3DuckDB, SAMPLE_READ_BUDGET_BYTES } from '../../src/duckdb/s3-session';
import type { ActivityDeps } from '../deps';

export interface DiscoverTableBatchInput {
  connection: SourceConnection;
  discoveryId: string;
  /** The batch: staged table folders offset .. offset + limit - 1. */
  offset: number;
  limit: number;
  sampleFiles: number;
  concurrentTables: number;
  discoveredAt: string;
}

function summarize(results: StagedResult[]): DiscoveryBatchSummary {
  return {
    tables: results.length,
    discovered: results.filter((r) => r.status === 'discovered').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    objectsListed: results.reduce((n, r) => n + r.objects, 0),
    bytesListed: results.reduce((n, r) => n + r.bytes, 0),
  };
}

export function createDiscoverTableBatch({ settings, catalog }: ActivityDeps) {
  /** Discovers a batch of staged tables concurrently, staging each result; heartbeats per table, returns counts. */
  return async function discoverTableBatch(input: DiscoverTableBatchInput): Promise<DiscoveryBatchSummary> {
    const { connection, discoveryId } = input;
    const context = Context.current();
    // Before anything slow (credentials, a DuckDB memory slot, the first listing): the heartbeat timeout counts from the start.
    context.heartbeat({ tablesDone: 0 });
    const credentials = await resolveCredentials(connection, settings, catalog);
    const s3 = createS3Client(connection, credentials, settings);
    // Waiting for a DuckDB memory slot may take a while: keep heartbeating meanwhile.
    const waiting = setInterval(() => context.heartbeat({ tablesDone: 0 }), 5_000);
    // Samples only: a server that ignores Range cannot make the batch read whole objects.
    const opened = await openS3DuckDB(settings, connection, credentials, { readBudgetBytes: SAMPLE_READ_BUDGET_BYTES }).finally(() => clearInterval(waiting));
    const duckdb = opened.instance;
    try {
      // The catalog stays open for the batch (reopening a DuckDB file per table is slow);
      // its one connection stages results one at a time.
      return await failOnEgressRefusal(opened, () => catalog.session(async (store) => {
        const candidates = await store.readCandidates(discoveryId, input.offset, input.limit);
        const names = new Set(candidates.map((c) => c.name));
        // A retried attempt resumes: tables staged by an earlier attempt are not read again.
        const done = (await store.readStagedResults(discoveryId)).filter((r) => names.has(r.name));
        const doneNames = new Set(done.map((r) => r.name));
        let finished = done.length;
        let listed = 0;
        const beat = () => context.heartbeat({ tablesDone: finished, tables: candidates.length, objectsListed: listed });
        let staging = Promise.resolve();
        const results = await mapBounded(candidates.filter((c) => !doneNames.has(c.name)), input.concurrentTables, async (candidate) => {
          let seen = 0;
          const result = await discoverTable({
            s3, duckdb, connection, candidate,
            sampleFiles: input.sampleFiles,
            discoveredAt: input.discoveredAt,
            onProgress: (n) => { listed += n - seen; seen = n; beat(); },
          });
          staging = staging.then(() => store.stageResult(discoveryId, result));
          await staging;
          finished += 1;
          beat();
          return result;
        });
        return summarize([...done, ...results]);
      }));
    } finally {
      opened.close();
      s3.destroy();
    }
  };
}
