import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { createTestEnv, type TestEnv } from '../../support/harness';
import { putTable } from '../../support/objects';
import { createActivities } from '../../../activities';
import { saveConnection } from '../../../src/catalog/connection-store';
import { saveConnectionStatus } from '../../../src/catalog/connection-status-store';
import { CONNECTION_NOT_ACTIVE } from '../../../src/workflow-safe/failure-types';

let env: TestEnv;
let requireActiveConnection: ReturnType<typeof createActivities>['requireActiveConnection'];

beforeAll(async () => {
  env = await createTestEnv('require-active');
  await env.startWorker();
  await putTable(env.s3, env.bucket, 'schema/events/part-0.parquet', 'SELECT 1 AS id');
  ({ requireActiveConnection } = createActivities(env.deps));
});
afterAll(async () => env?.close());

async function refusal(promise: Promise<unknown>): Promise<{ type: string | undefined; nonRetryable: boolean; message: string }> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ApplicationFailure);
  const failure = error as ApplicationFailure;
  return { type: failure.type ?? undefined, nonRetryable: failure.nonRetryable === true, message: failure.message };
}

describe('requireActiveConnection', () => {
  it('returns an Active stored connection, resolved by name', async () => {
    const connection = env.source({ name: `${env.id}-active`, prefix: 'schema' });
    await env.withWarehouse((db) => saveConnection(db, connection));
    expect((await env.s3bridge.validateConnection({ connection: connection.name })).status).toBe('active');
    expect(await requireActiveConnection({ connection: connection.name })).toEqual(connection);
  });

  it('refuses a Failed connection with its status and reason, not retryable', async () => {
    const connection = env.source({ name: `${env.id}-failed`, prefix: 'schema', region: 'eu-west-1' });
    await env.withWarehouse((db) => saveConnection(db, connection));
    const report = await env.s3bridge.validateConnection({ connection: connection.name });
    const refused = await refusal(requireActiveConnection({ connection: connection.name }));
    expect(refused).toEqual({
      type: CONNECTION_NOT_ACTIVE,
      nonRetryable: true,
      message: `connection "${connection.name}" is Failed since ${report.finishedAt}: bucket: the bucket is in us-east-1, the connection says eu-west-1; ` +
        `fix it and run \`s3bridge connections validate ${connection.name}\``,
    });
  });

  it('refuses a connection never validated, one still Processing, and one edited since its validation', async () => {
    const never = env.source({ name: `${env.id}-never` });
    expect((await refusal(requireActiveConnection({ connection: never }))).message)
      .toBe(`connection "${never.name}" has not been validated: run \`s3bridge connections validate ${never.name}\``);

    const processing = env.source({ name: `${env.id}-processing` });
    await env.withWarehouse((db) => saveConnectionStatus(db, {
      connection: processing,
      workflowId: 'validate-connection-processing',
      report: { connection: processing.name, direction: 'source', status: 'processing', startedAt: '2026-01-02T03:04:05.000Z', checks: [] },
    }));
    expect((await refusal(requireActiveConnection({ connection: processing }))).message)
      .toBe(`connection "${processing.name}" is Processing (validation started at 2026-01-02T03:04:05.000Z): wait for it to finish`);

    const edited = env.source({ name: `${env.id}-edited`, prefix: 'schema' });
    const report = await env.s3bridge.validateConnection({ connection: edited });
    expect(report.status).toBe('active');
    expect(await requireActiveConnection({ connection: edited })).toEqual(edited);
    expect((await refusal(requireActiveConnection({ connection: { ...edited, prefix: 'other' } }))).message)
      .toBe(`connection "${edited.name}" changed since its validation at ${report.finishedAt}: run \`s3bridge connections validate ${edited.name}\` again`);
  });
});
