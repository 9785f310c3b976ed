import type { Connection } from '../workflow-safe/connection';
import type { DiscoveredTable, TableDrift } from '../workflow-safe/catalog/discovered-table';
import type { DiscoveryReport } from '../workflow-safe/discovery/discovery-report';
import type { ValidationReport } from '../workflow-safe/validation/validation-report';
import type { StoredConnectionStatus } from './connection-status-store';
import type { StagedResult, TableCandidate } from './discovery-staging-store';
import type { DestinationState } from './destination-store';
import type { ExportLedgerEntry } from './export-ledger-store';
import type { ExportStreamClaim } from './export-stream-store';
import type { RemoveConnectionResult } from '../workflow-safe/inputs/warehouse-maintenance-input';

/**
 * s3bridge's own catalog: connections, their statuses, discovered tables and their drift,
 * discovery runs and their staging. The embedded DuckDB file and a shared Postgres database
 * implement it with the same SQL; the worker builds one and hands it to every activity.
 */
export interface CatalogStore {
  saveConnection(connection: Connection): Promise<void>;
  findConnection(name: string): Promise<Connection | undefined>;
  /** Throws a non-retryable ConnectionNotFound for a name not in the catalog. */
  getConnection(name: string): Promise<Connection>;
  listConnections(): Promise<Connection[]>;
  /** Refuses (non-retryable) an inline connection that has the name of a stored one. */
  refuseInlineShadowing(name: string): Promise<void>;
  /** Removes a connection, its status, discovered tables and held drift, in one transaction. */
  removeConnection(name: string): Promise<RemoveConnectionResult>;

  saveConnectionStatus(entry: { connection: Connection; report: ValidationReport; workflowId: string }): Promise<void>;
  findConnectionStatus(name: string): Promise<StoredConnectionStatus | undefined>;
  listConnectionStatuses(): Promise<StoredConnectionStatus[]>;

  /** Replaces the connection's discovered tables, atomically. */
  replaceDiscoveredTables(connection: string, tables: DiscoveredTable[]): Promise<void>;
  listDiscoveredTables(connection: string): Promise<DiscoveredTable[]>;
  /** Throws a non-retryable TableNotDiscovered for a table discovery has not recorded. */
  getDiscoveredTable(connection: string, name: string): Promise<DiscoveredTable>;

  /** Holds a table's schema change for review; false when there is none (or it was reverted). */
  recordTableDrift(before: DiscoveredTable, after: DiscoveredTable, at: string): Promise<boolean>;
  approveTableDrift(connection: string, table: string): Promise<TableDrift>;

  stageCandidates(discoveryId: string, candidates: TableCandidate[]): Promise<void>;
  readCandidates(discoveryId: string, offset: number, limit: number): Promise<TableCandidate[]>;
  stageResult(discoveryId: string, result: StagedResult): Promise<void>;
  readStagedResults(discoveryId: string): Promise<StagedResult[]>;
  clearStaging(discoveryId: string): Promise<void>;

  saveDiscoveryReport(report: DiscoveryReport): Promise<void>;
  findDiscoveryReport(discoveryId: string): Promise<DiscoveryReport | undefined>;
  listDiscoveryReports(connection: string, limit?: number): Promise<DiscoveryReport[]>;

  /** A destination's state (enabled unless disabled explicitly). */
  destinationState(name: string): Promise<DestinationState>;
  /** Another enabled destination writing where `name` writes, if any. */
  locationConflict(name: string): Promise<{ other: string; location: string } | undefined>;
  /** Enables and disables destinations together; refuses two enabled destinations writing one location. */
  setDestinationStates(changes: { name: string; enabled: boolean; reason: string }[]): Promise<void>;
  /** Puts destinations back as they were (states read earlier), in one transaction, without the location check. */
  restoreDestinationStates(states: DestinationState[]): Promise<void>;

  exportLedger(exportKey: string, fromMs?: number): Promise<ExportLedgerEntry[]>;
  lastExportedWindow(exportKey: string): Promise<number | undefined>;
  saveExportLedgerEntry(entry: ExportLedgerEntry): Promise<void>;
  deleteExportLedger(keyPrefix: string): Promise<void>;

  /** Claims an export path for a stream; returns the claim holding it for another stream, if any. */
  claimExportStream(claim: ExportStreamClaim): Promise<ExportStreamClaim | undefined>;
  /** Migration-test claims in `bucket` under a test prefix. */
  testStreamClaims(bucket: string, folderPrefix: string): Promise<ExportStreamClaim[]>;
  releaseExportStreams(locations: string[]): Promise<void>;

  /**
   * Runs `fn` with the store held open on one connection, each call committing on its own (a
   * discovery batch stages many results; reopening the embedded file per call is slow).
   */
  session<T>(fn: (catalog: CatalogStore) => Promise<T>): Promise<T>;
  /** Runs `fn` with a store whose calls all commit together, or (when it throws) not at all. */
  transaction<T>(fn: (catalog: CatalogStore) => Promise<T>): Promise<T>;
}
