import { Context } from '@temporalio/activity';
import type { Connection } from '../../src/shared/connection';
import type { ValidationReport } from '../../src/shared/validation/validation-report';
import type { ActivityDeps } from '../deps';

export interface RecordConnectionStatusInput {
  connection: Connection;
  report: ValidationReport;
}

export function createRecordConnectionStatus({ catalog }: ActivityDeps) {
  /** Stores the connection's status and report in the catalog (Processing, then Active or Failed). */
  return async function recordConnectionStatus({ connection, report }: RecordConnectionStatusInput): Promise<void> {
    const workflowId = Context.current().info.workflowExecution?.workflowId ?? 'outside-a-workflow';
    await catalog.saveConnectionStatus({ connection, report, workflowId });
  };
}
