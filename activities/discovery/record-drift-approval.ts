import type { TableDrift } from '../../src/workflow-safe/catalog/discovered-table';
import type { ActivityDeps } from '../deps';

export interface RecordDriftApprovalInput {
  connection: string;
  table: string;
}

export function createRecordDriftApproval({ catalog }: ActivityDeps) {
  /** Records in the catalog that a table's pending schema change is approved (idempotent). */
  return async function recordDriftApproval({ connection, table }: RecordDriftApprovalInput): Promise<TableDrift> {
    return catalog.approveTableDrift(connection, table);
  };
}
