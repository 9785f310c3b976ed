import type { TableDrift } from '../../src/shared/catalog/discovered-table';
import { approveTableDrift } from '../../src/catalog/table-drift-store';
import { withWarehouse } from '../../src/warehouse/embedded-database';
import type { ActivityDeps } from '../deps';

export interface RecordDriftApprovalInput {
  connection: string;
  table: string;
}

export function createRecordDriftApproval({ settings }: ActivityDeps) {
  /** Records in the catalog that a table's pending schema change is approved (idempotent). */
  return async function recordDriftApproval({ connection, table }: RecordDriftApprovalInput): Promise<TableDrift> {
    return withWarehouse(settings, (db) => approveTableDrift(db, connection, table));
  };
}
