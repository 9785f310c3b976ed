import { Context } from '@temporalio/activity';
import type { Connection } from '../../src/workflow-safe/connection';
import type { ValidationReport } from '../../src/workflow-safe/validation/validation-report';
import type { ActivityDeps } from '../deps';

export interface RecordConnectionStatusInput {
  connection: Connection;
  report: ValidationReport;
  /** The connection came inline: never written over a stored connection's status. */
  inline?: boolean;
}

export function createRecordConnectionStatus({ catalog }: ActivityDeps) {
  /** Stores the connection's status and report in the catalog (Processing, then Active or Failed). */
  return async function recordConnectionStatus({ connection, report, inline }: RecordConnectionStatusInput): Promise<void> {
    const workflowId = Context.current().info.workflowExecution?.workflowId ?? 'outside-a-workflow';
    await catalog.session(async (store) => {
      // Checked again at the write: a connection stored since the run started is not overwritten either.
      if (inline) await store.refuseInlineShadowing(connection.name);
      await store.saveConnectionStatus({ connection, report, workflowId });
    });
  };
}
