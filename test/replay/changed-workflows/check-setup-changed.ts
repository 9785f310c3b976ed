import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../../../activities';
import { parseWorkflowInput } from '../../../src/workflow-safe/input-errors';
import { CheckSetupInput, type CheckSetupResult } from '../../../src/workflow-safe/inputs/check-setup-input';
import { shortCall } from '../../../workflows/activity-options';

const { resolveConnection, checkSetup: readSample } = proxyActivities<Activities>(shortCall);

/**
 * workflows/check-setup.ts with one change a developer might make without thinking of running
 * workflows: a timer before the first activity. Histories recorded by the real workflow must not
 * replay against it (test/replay/replay-histories.test.ts proves the check can fail).
 */
export async function checkSetup(rawInput: CheckSetupInput): Promise<CheckSetupResult> {
  const input = parseWorkflowInput(CheckSetupInput, rawInput, 'checkSetup');
  await sleep('1 second');
  const connection = await resolveConnection({ connection: input.connection });
  return readSample({ connection, sampleKey: input.sampleKey });
}
