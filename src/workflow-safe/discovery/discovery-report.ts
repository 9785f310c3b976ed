import type { DiscoveryProblem } from './discovery-problem';
import type { CatalogDiff } from './schema-diff';

/** A folder under the schema prefix that is not in the catalog, and why. */
interface SkippedTable {
  name: string;
  reason: string;
}

/** What one discovery (or resync) returns and keeps in the catalog: counts and names, never key lists. */
export interface DiscoveryReport {
  discoveryId: string;
  connection: string;
  startedAt: string;
  finishedAt: string;
  tablesDiscovered: number;
  skipped: SkippedTable[];
  objectsListed: number;
  bytesListed: number;
  /** Problems of the schema as a whole (files outside table folders, mixed formats across tables). */
  schemaProblems: DiscoveryProblem[];
  /** Tables with problems of their own (see each table's `problems` in the catalog). */
  tablesWithProblems: string[];
  diff: CatalogDiff;
  /** Tables whose schema change is held for review. */
  drifted: string[];
}

/** What one batch activity returns: counts only. */
export interface DiscoveryBatchSummary {
  tables: number;
  discovered: number;
  skipped: number;
  objectsListed: number;
  bytesListed: number;
}

/** What `discoveryProgressQuery` answers while a discovery runs. */
export interface DiscoveryProgress {
  discoveryId: string;
  tableCount: number;
  tablesDone: number;
}
