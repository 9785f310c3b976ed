import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { Settings } from '../config/settings';
import { connectionName } from '../shared/connection';
import { CheckSetupInput, type CheckSetupResult } from '../shared/inputs/check-setup-input';
import { checkSetup } from '../../workflows';

/**
 * The typed way to start s3bridge workflows from code. Inputs are parsed with the same zod
 * schemas the workflows use, so a bad input fails here, before anything is started.
 */
export class S3BridgeClient {
  constructor(
    readonly temporal: Client,
    readonly settings: Pick<Settings, 'taskQueue'>,
    readonly workflowIdPrefix = '',
  ) {}

  async checkSetup(input: CheckSetupInput): Promise<CheckSetupResult> {
    const parsed = CheckSetupInput.parse(input);
    return this.temporal.workflow.execute(checkSetup, {
      taskQueue: this.settings.taskQueue,
      workflowId: `${this.workflowIdPrefix}check-setup-${connectionName(parsed.connection)}-${randomUUID().slice(0, 8)}`,
      args: [input],
    });
  }
}
