import { ApplicationFailure, makeContinueAsNewFunc, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { parseWorkflowInput } from '../src/workflow-safe/input-errors';
import { DiscoverSchemaContinuation, DiscoverSchemaInput, type DiscoverSchemaOptions } from '../src/workflow-safe/inputs/discover-schema-input';
import type { DiscoveryProblem } from '../src/workflow-safe/discovery/discovery-problem';
import type { DiscoveryReport } from '../src/workflow-safe/discovery/discovery-report';
import { longScan, shortCall } from './activity-options';
import { discoveryProgressQuery } from './definitions';
import { tagRun } from './run-attributes';
import { connectionName } from '../src/workflow-safe/connection';
import { isOwnContinuation } from './continued-run';
import { NOT_A_SOURCE_CONNECTION } from '../src/workflow-safe/failure-types';

const { resolveConnection } = proxyActivities<Activities>(shortCall);
const { listSchemaTables, discoverTableBatch, commitDiscovery } = proxyActivities<Activities>(longScan);

/**
 * Discovers a source connection's tables (or resyncs them): lists the table folders, reads
 * them in batches of concurrent activities, then replaces the catalog and reports the diff
 * against the previous discovery, holding schema changes for review.
 */
export async function discoverSchema(rawInput: DiscoverSchemaInput | DiscoverSchemaContinuation): Promise<DiscoveryReport> {
  // Continuation state is accepted only in a run this workflow itself continued (not a start, a
  // retry or a cron run), so an external start cannot inject where a discovery stopped.
  const continued = isOwnContinuation();
  const input: DiscoverSchemaOptions = continued
    ? parseWorkflowInput(DiscoverSchemaContinuation, rawInput, 'discoverSchema')
    : parseWorkflowInput(DiscoverSchemaInput, rawInput, 'discoverSchema');
  // The first run tags the discovery; continued runs inherit its attributes (passed on below), so
  // a resumed run adds no events before its batches (continueAsNewAfterEvents can be small).
  if (!continued) tagRun({ connection: connectionName(input.connection), kind: 'discovery' });
  const connection = await resolveConnection({ connection: input.connection });
  const inline = typeof input.connection !== 'string';
  if (connection.direction !== 'source') {
    throw ApplicationFailure.create({
      type: NOT_A_SOURCE_CONNECTION,
      nonRetryable: true,
      message: `connection "${connection.name}" is a destination; discovery reads source connections`,
    });
  }
  const resume = input.resume;
  const discoveryId = resume?.discoveryId ?? workflowInfo().firstExecutionRunId;
  const startedAt = resume?.startedAt ?? new Date().toISOString();
  let schemaProblems: DiscoveryProblem[] = (resume?.schemaProblems ?? []) as DiscoveryProblem[];
  let tableCount = resume?.tableCount ?? 0;
  if (!resume) {
    const listed = await listSchemaTables({ connection, discoveryId });
    tableCount = listed.tableCount;
    schemaProblems = listed.schemaProblems;
  }
  const progress = { tableCount, tablesDone: resume?.nextOffset ?? 0 };
  setHandler(discoveryProgressQuery, () => ({ discoveryId, ...progress }));

  let next = resume?.nextOffset ?? 0;
  // Continue as new well before Temporal's history limits (50k events / 50 MB).
  const shouldContinueAsNew = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > input.continueAsNewAfterEvents;
  const lane = async () => {
    while (next < tableCount && !shouldContinueAsNew()) {
      const offset = next;
      next += input.batchSize;
      const summary = await discoverTableBatch({
        connection, discoveryId, offset, limit: input.batchSize,
        sampleFiles: input.sampleFiles, concurrentTables: input.concurrentTables, discoveredAt: startedAt,
      });
      progress.tablesDone += summary.tables;
    }
  };
  await Promise.all(Array.from({ length: input.concurrentBatches }, lane));
  if (next < tableCount) {
    // Every launched batch has finished: the next run starts at the first batch not launched.
    const options: DiscoverSchemaContinuation = { ...input, resume: { discoveryId, startedAt, nextOffset: next, tableCount, schemaProblems } };
    await makeContinueAsNewFunc<typeof discoverSchema>({ typedSearchAttributes: workflowInfo().typedSearchAttributes })(options);
  }
  return commitDiscovery({
    connection, discoveryId, startedAt, finishedAt: new Date().toISOString(), schemaProblems, holdDrift: input.holdDrift, inline,
  });
}
