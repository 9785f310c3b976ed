import { heartbeat } from '@temporalio/activity';
import type { SourceConnection } from '../../src/workflow-safe/connection';
import type { DiscoveryProblem } from '../../src/workflow-safe/discovery/discovery-problem';
import { resolveCredentials } from '../../src/s3/resolve-credentials';
import { createS3Client } from '../../src/s3/create-s3-client';
import { listTableCandidates } from '../../src/discovery/list-table-candidates';
import type { ActivityDeps } from '../deps';

export interface ListSchemaTablesInput {
  connection: SourceConnection;
  discoveryId: string;
}

export interface ListSchemaTablesResult {
  tableCount: number;
  schemaProblems: DiscoveryProblem[];
}

export function createListSchemaTables({ settings, catalog }: ActivityDeps) {
  /** Lists the table folders under the schema prefix and stages them for the run's batches; returns the count. */
  return async function listSchemaTables({ connection, discoveryId }: ListSchemaTablesInput): Promise<ListSchemaTablesResult> {
    const s3 = createS3Client(connection, await resolveCredentials(connection, settings, catalog), settings);
    try {
      heartbeat();
      const { candidates, problems } = await listTableCandidates(s3, connection);
      await catalog.stageCandidates(discoveryId, candidates);
      return { tableCount: candidates.length, schemaProblems: problems };
    } finally {
      s3.destroy();
    }
  };
}
