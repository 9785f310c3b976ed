import type { SourceConnection } from '../../src/workflow-safe/connection';
import type { DiscoveredTable } from '../../src/workflow-safe/catalog/discovered-table';
import type { DiscoveryProblem } from '../../src/workflow-safe/discovery/discovery-problem';
import type { DiscoveryReport } from '../../src/workflow-safe/discovery/discovery-report';
import { diffCatalog, isSchemaChange } from '../../src/workflow-safe/discovery/schema-diff';
import { schemaFormatProblems } from '../../src/workflow-safe/discovery/schema-format';
import type { ActivityDeps } from '../deps';

export interface CommitDiscoveryInput {
  connection: SourceConnection;
  discoveryId: string;
  startedAt: string;
  finishedAt: string;
  schemaProblems: DiscoveryProblem[];
  holdDrift: boolean;
  /** The connection came inline: never written over a stored connection's catalog. */
  inline?: boolean;
}

export function createCommitDiscovery({ catalog }: ActivityDeps) {
  /** Replaces the connection's catalog with the run's staged tables, diffs against the previous one, holds drift; returns the report. */
  return async function commitDiscovery(input: CommitDiscoveryInput): Promise<DiscoveryReport> {
    const { connection, discoveryId } = input;
    return catalog.session(async (store) => {
      // A retry after a commit that landed returns the same report instead of diffing against itself.
      const committed = await store.findDiscoveryReport(discoveryId);
      if (committed) return committed;
      if (input.inline) await store.refuseInlineShadowing(connection.name);
      const staged = await store.readStagedResults(discoveryId);
      const formats = schemaFormatProblems(staged.flatMap((r) => (r.status === 'discovered' ? [r.table] : [])));
      const tables: DiscoveredTable[] = staged.flatMap((r) => {
        if (r.status !== 'discovered') return [];
        const problem = formats.tableProblems.get(r.name);
        return [problem ? { ...r.table, problems: [...(r.table.problems ?? []), problem] } : r.table];
      });
      return store.transaction(async (tx) => {
        const previous = await tx.listDiscoveredTables(connection.name);
        const diff = diffCatalog(previous, tables);
        const drifted: string[] = [];
        if (input.holdDrift) {
          const before = new Map(previous.map((t) => [t.name, t]));
          for (const change of diff.tablesChanged.filter(isSchemaChange)) {
            const after = tables.find((t) => t.name === change.name)!;
            if (await tx.recordTableDrift(before.get(change.name)!, after, input.finishedAt)) drifted.push(change.name);
          }
        }
        await tx.replaceDiscoveredTables(connection.name, tables);
        const report: DiscoveryReport = {
          discoveryId,
          connection: connection.name,
          startedAt: input.startedAt,
          finishedAt: input.finishedAt,
          tablesDiscovered: tables.length,
          skipped: staged.flatMap((r) => (r.status === 'skipped' ? [{ name: r.name, reason: r.reason }] : [])),
          objectsListed: staged.reduce((n, r) => n + r.objects, 0),
          bytesListed: staged.reduce((n, r) => n + r.bytes, 0),
          schemaProblems: [...input.schemaProblems, ...formats.schemaProblems],
          tablesWithProblems: tables.filter((t) => (t.problems ?? []).length > 0).map((t) => t.name),
          diff,
          drifted,
        };
        await tx.saveDiscoveryReport(report);
        await tx.clearStaging(discoveryId);
        return report;
      });
    });
  };
}
