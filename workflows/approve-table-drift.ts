import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { TableDrift } from '../src/workflow-safe/catalog/discovered-table';
import { parseWorkflowInput } from '../src/workflow-safe/input-errors';
import { ApproveTableDriftInput } from '../src/workflow-safe/inputs/discover-schema-input';
import { shortCall } from './activity-options';
import { tagRun } from './run-attributes';

const { recordDriftApproval } = proxyActivities<Activities>(shortCall);

/** Records the approval of a table's held schema change in the catalog (the client then signals waiting imports). */
export async function approveTableDrift(rawInput: ApproveTableDriftInput): Promise<TableDrift> {
  const input = parseWorkflowInput(ApproveTableDriftInput, rawInput, 'approveTableDrift');
  tagRun({ connection: input.connection, table: input.table, kind: 'maintenance' });
  return recordDriftApproval(input);
}
