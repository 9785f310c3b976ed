import { Context } from '@temporalio/activity';
import type { Connection } from '../../src/shared/connection';
import type { ValidationReport } from '../../src/shared/validation/validation-report';
import { saveConnectionStatus } from '../../src/catalog/connection-status-store';
import { refuseInlineShadowing } from '../../src/catalog/connection-store';
import { withWarehouse } from '../../src/warehouse/embedded-database';
import type { ActivityDeps } from '../deps';

export interface RecordConnectionStatusInput {
  connection: Connection;
  report: ValidationReport;
  /** The connection came inline: never written over a stored connection's status. */
  inline?: boolean;
}

export function createRecordConnectionStatus({ settings }: ActivityDeps) {
  /** Stores the connection's status and report in the catalog (Processing, then Active or Failed). */
  return async function recordConnectionStatus({ connection, report, inline }: RecordConnectionStatusInput): Promise<void> {
    const workflowId = Context.current().info.workflowExecution?.workflowId ?? 'outside-a-workflow';
    await withWarehouse(settings, async (db) => {
      // Checked again at the write: a connection stored since the run started is not overwritten either.
      if (inline) await refuseInlineShadowing(db, connection.name);
      await saveConnectionStatus(db, { connection, report, workflowId });
    });
  };
}
