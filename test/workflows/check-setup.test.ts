import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, putTable } from '../support/objects';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv('check-setup');
  await env.startWorker();
  await putTable(env.s3, env.bucket, 'events/day=2025-01-01/part-0.parquet',
    "SELECT i AS id, 'page_view' AS event FROM range(1234) t(i)");
  await putObject(env.s3, env.bucket, 'events/_SUCCESS', '');
});
afterAll(async () => env?.close());

describe('checkSetup', () => {
  it('lists the bucket through the AWS SDK and reads Parquet from MinIO with DuckDB httpfs', async () => {
    const result = await env.s3bridge.checkSetup({ connection: env.source({ prefix: 'events' }) });
    expect(result).toEqual({
      bucket: env.bucket,
      prefix: 'events',
      objectsListed: 2,
      sampleKey: 'events/day=2025-01-01/part-0.parquet',
      sampleRows: 1234,
      sampleColumns: [
        { name: 'id', type: 'BIGINT' },
        // The file's own columns, as the formats module reads them: partition columns come from the catalog, never from the path.
        { name: 'event', type: 'VARCHAR' },
      ],
    });
  });

  it('replays its own history deterministically', async () => {
    const workflowId = `${env.workflowIdPrefix}replay`;
    await env.temporal.workflow.execute('checkSetup', {
      taskQueue: env.taskQueue,
      workflowId,
      args: [{ connection: env.source({ prefix: 'events' }) }],
    });
    const history = await env.temporal.workflow.getHandle(workflowId).fetchHistory();
    // Throws DeterminismViolationError if the workflow code no longer matches its history.
    await Worker.runReplayHistory(
      { workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') } },
      history,
      workflowId,
    );
    expect(history.events?.length).toBeGreaterThan(5);
  });

  it('rejects a bad input with a message naming the field', async () => {
    const error = await env.temporal.workflow
      .execute('checkSetup', {
        taskQueue: env.taskQueue,
        workflowId: `${env.workflowIdPrefix}bad-input`,
        args: [{ connection: { ...env.source(), bucket: `s3://${env.bucket}/events` } }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause?.message).toBe(
      `Invalid input for checkSetup:\nconnection.bucket: enter the bucket name only, without "s3://": bucket "${env.bucket}" and prefix "events"`,
    );
  });
});
