import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { parseWorkflowInput } from '../src/workflow-safe/input-errors';
import { CheckSetupInput, type CheckSetupResult } from '../src/workflow-safe/inputs/check-setup-input';
import { shortCall } from './activity-options';
import { tagRun } from './run-attributes';
import { connectionName } from '../src/workflow-safe/connection';

const { resolveConnection, checkSetup: readSample } = proxyActivities<Activities>(shortCall);

/** Proves the stack end to end: lists a bucket and reads a Parquet object with DuckDB. */
export async function checkSetup(rawInput: CheckSetupInput): Promise<CheckSetupResult> {
  const input = parseWorkflowInput(CheckSetupInput, rawInput, 'checkSetup');
  tagRun({ connection: connectionName(input.connection), kind: 'check-setup' });
  const connection = await resolveConnection({ connection: input.connection });
  return readSample({ connection, sampleKey: input.sampleKey });
}
