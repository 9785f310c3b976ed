import type { DuckDBConnection } from '@duckdb/node-api';
import type { Connection } from '../workflow-safe/connection';
import type { DiscoveredTable, TableDrift } from '../workflow-safe/catalog/discovered-table';
import type { DiscoveryReport } from '../workflow-safe/discovery/discovery-report';
import type { ValidationReport } from '../workflow-safe/validation/validation-report';
import { inTransaction } from '../duckdb/in-transaction';
import type { CatalogStore } from './catalog-store';
import { findConnection, getConnection, listConnections, refuseInlineShadowing, saveConnection } from './connection-store';
import { removeConnection } from './remove-connection';
import { findConnectionStatus, listConnectionStatuses, saveConnectionStatus, type StoredConnectionStatus } from './connection-status-store';
import { getDiscoveredTable, listDiscoveredTables, replaceDiscoveredTables, writeDiscoveredTables } from './discovered-table-store';
import { approveTableDrift, recordTableDrift } from './table-drift-store';
import {
  clearStaging, readCandidates, readStagedResults, stageCandidates, stageResult, type StagedResult, type TableCandidate,
} from './discovery-staging-store';
import { findDiscoveryReport, listDiscoveryReports, saveDiscoveryReport } from './discovery-run-store';
import { destinationState, locationConflict, restoreDestinationStates, setDestinationStates, type DestinationState } from './destination-store';
import { deleteExportLedger, exportLedger, lastExportedWindow, saveExportLedgerEntry, type ExportLedgerEntry } from './export-ledger-store';
import { claimExportStream, releaseExportStreams, testStreamClaims, type ExportStreamClaim } from './export-stream-store';

/** Runs `fn` on a DuckDB connection whose default catalog holds s3bridge's catalog tables. */
export type WithCatalogDb = <T>(fn: (db: DuckDBConnection) => Promise<T>) => Promise<T>;

/**
 * The catalog in SQL over a DuckDB connection: the embedded warehouse file, or a Postgres
 * database attached through DuckDB's postgres extension (the same statements serve both).
 */
export class SqlCatalogStore implements CatalogStore {
  /** `inTransaction`: this store is bound to one connection inside a transaction already. */
  constructor(private readonly withDb: WithCatalogDb, private readonly inTransaction = false) {}

  private use<T>(fn: (db: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.withDb(fn);
  }

  saveConnection(connection: Connection) { return this.use((db) => saveConnection(db, connection)); }
  findConnection(name: string) { return this.use((db) => findConnection(db, name)); }
  getConnection(name: string) { return this.use((db) => getConnection(db, name)); }
  listConnections() { return this.use((db) => listConnections(db)); }
  refuseInlineShadowing(name: string) { return this.use((db) => refuseInlineShadowing(db, name)); }
  removeConnection(name: string) { return this.use((db) => removeConnection(db, name, this.inTransaction)); }

  saveConnectionStatus(entry: { connection: Connection; report: ValidationReport; workflowId: string }) {
    return this.use((db) => saveConnectionStatus(db, entry));
  }
  findConnectionStatus(name: string): Promise<StoredConnectionStatus | undefined> { return this.use((db) => findConnectionStatus(db, name)); }
  listConnectionStatuses() { return this.use((db) => listConnectionStatuses(db)); }

  replaceDiscoveredTables(connection: string, tables: DiscoveredTable[]) {
    return this.use((db) => (this.inTransaction ? writeDiscoveredTables(db, connection, tables) : replaceDiscoveredTables(db, connection, tables)));
  }
  listDiscoveredTables(connection: string) { return this.use((db) => listDiscoveredTables(db, connection)); }
  getDiscoveredTable(connection: string, name: string) { return this.use((db) => getDiscoveredTable(db, connection, name)); }

  recordTableDrift(before: DiscoveredTable, after: DiscoveredTable, at: string) {
    return this.transaction((tx) => tx.use((db) => recordTableDrift(db, before, after, at)));
  }
  approveTableDrift(connection: string, table: string): Promise<TableDrift> { return this.use((db) => approveTableDrift(db, connection, table)); }

  stageCandidates(discoveryId: string, candidates: TableCandidate[]) { return this.use((db) => stageCandidates(db, discoveryId, candidates)); }
  readCandidates(discoveryId: string, offset: number, limit: number) { return this.use((db) => readCandidates(db, discoveryId, offset, limit)); }
  stageResult(discoveryId: string, result: StagedResult) { return this.use((db) => stageResult(db, discoveryId, result)); }
  readStagedResults(discoveryId: string) { return this.use((db) => readStagedResults(db, discoveryId)); }
  clearStaging(discoveryId: string) { return this.use((db) => clearStaging(db, discoveryId)); }

  saveDiscoveryReport(report: DiscoveryReport) { return this.use((db) => saveDiscoveryReport(db, report)); }
  findDiscoveryReport(discoveryId: string) { return this.use((db) => findDiscoveryReport(db, discoveryId)); }
  listDiscoveryReports(connection: string, limit?: number) { return this.use((db) => listDiscoveryReports(db, connection, limit)); }

  destinationState(name: string) { return this.use((db) => destinationState(db, name)); }
  locationConflict(name: string) { return this.use((db) => locationConflict(db, name)); }
  setDestinationStates(changes: { name: string; enabled: boolean; reason: string }[]) { return this.use((db) => setDestinationStates(db, changes)); }
  restoreDestinationStates(states: DestinationState[]) { return this.use((db) => restoreDestinationStates(db, states)); }

  exportLedger(exportKey: string, fromMs?: number) { return this.use((db) => exportLedger(db, exportKey, fromMs)); }
  lastExportedWindow(exportKey: string) { return this.use((db) => lastExportedWindow(db, exportKey)); }
  saveExportLedgerEntry(entry: ExportLedgerEntry) { return this.use((db) => saveExportLedgerEntry(db, entry)); }
  deleteExportLedger(keyPrefix: string) { return this.use((db) => deleteExportLedger(db, keyPrefix)); }

  claimExportStream(claim: ExportStreamClaim) { return this.use((db) => claimExportStream(db, claim)); }
  testStreamClaims(bucket: string, folderPrefix: string) { return this.use((db) => testStreamClaims(db, bucket, folderPrefix)); }
  releaseExportStreams(locations: string[]) { return this.use((db) => releaseExportStreams(db, locations)); }

  session<T>(fn: (catalog: SqlCatalogStore) => Promise<T>): Promise<T> {
    return this.withDb((db) => fn(new SqlCatalogStore((inner) => inner(db), this.inTransaction)));
  }

  transaction<T>(fn: (catalog: SqlCatalogStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.withDb((db) => inTransaction(db, () => fn(new SqlCatalogStore((inner) => inner(db), true))));
  }
}
