import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { startRecordingListener, type RecordingListener } from '../support/recording-listener';
import { innermostFailure } from '../support/workflow-failure';
import { saveConnection } from '../../src/catalog/connection-store';
import type { CheckRow, ValidationReport } from '../../src/workflow-safe/validation/validation-report';
import type { SourceConnection } from '../../src/workflow-safe/connection';
import { WORKER_CREDENTIALS_REFUSED } from '../../src/workflow-safe/failure-types';

/**
 * The worker's own AWS identity (here: keys in its environment, as many deployments start it)
 * reads whatever that identity may. An inline connection (anyone who can start a workflow) with
 * auth default-chain, or assume-role on the worker's base credentials, must not borrow it; a
 * stored one only when the worker says so, and only towards endpoints the worker allows.
 */
const WORKER_KEY_ID = 'AKIAWORKERIDENTITY01';
let env: TestEnv;
let listener: RecordingListener;

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = WORKER_KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = 'worker-identity-secret-5c1e';
  process.env.S3BRIDGE_TEST_WORKER_IDENTITY_SECRET = process.env.AWS_SECRET_ACCESS_KEY;
  env = await createTestEnv('hostile-worker-creds');
  listener = await startRecordingListener();
  // The stand-in for someone else's endpoint is reachable: what stops the requests is the grant, not the network.
  env.settings.endpointAllow.push(new URL(listener.endpoint).host);
  await putTable(env.s3, env.bucket, 'events/date=2025-06-01/part-0.parquet', 'SELECT r AS id FROM range(3) t(r)');
  await env.startWorker();
});
afterAll(async () => {
  await listener?.close();
  await env?.close();
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'S3BRIDGE_TEST_WORKER_IDENTITY_SECRET']) delete process.env[name];
});

let n = 0;
const connection = (auth: SourceConnection['auth']): SourceConnection => {
  n += 1;
  return env.source({ name: `${env.id}-${n}`, endpoint: listener.endpoint, auth });
};
const DEFAULT_CHAIN = { type: 'default-chain' } as const;
const ASSUME_ON_WORKER = { type: 'assume-role', roleArn: 'arn:aws:iam::123456789012:role/anything', externalId: 'a-long-enough-external-id-1', baseCredentials: DEFAULT_CHAIN, sessionName: 's3bridge' } as const;
const OWN = 'or give the connection credentials of its own (static-keys, or assume-role with baseCredentials)';

async function credentialsRow(ref: SourceConnection | string): Promise<CheckRow> {
  const report: ValidationReport = await env.s3bridge.validateConnection({ connection: ref });
  expect(report.status).toBe('failed');
  return report.checks.find((c) => c.check === 'credentials')!;
}
const signedWithWorkerKey = () => listener.requests.filter((r) => String(r.headers.authorization ?? '').includes(`Credential=${WORKER_KEY_ID}/`));

describe('an inline connection cannot borrow the worker\'s own cloud identity', () => {
  it.each([
    ['default-chain', DEFAULT_CHAIN, 'auth "default-chain"'],
    ['assume-role on the worker\'s base credentials', ASSUME_ON_WORKER, 'auth "assume-role" without baseCredentials: the worker\'s own credentials call sts:AssumeRole'],
  ])('%s is refused before anything is signed or sent', async (_what, auth, use) => {
    const inline = connection(auth);
    const row = await credentialsRow(inline);
    expect(row.detail).toBe(`connection "${inline.name}" would sign its requests with the worker's own AWS credentials (${use}), which only a stored connection may do: `
      + `anyone who can start a workflow could otherwise read whatever the worker's identity can. Store it (s3bridge connections add) and set S3BRIDGE_WORKER_CREDENTIALS=stored on the worker, ${OWN}`);
    expect(row.fix).toBe('give the connection credentials of its own, or change the worker setting named in the detail');
    expect(listener.requests).toEqual([]);
  });

  it('discovery with such a connection fails the same way, non-retryably', async () => {
    const inline = connection(DEFAULT_CHAIN);
    const failure = await innermostFailure(env.temporal.workflow.execute('discoverSchema', {
      taskQueue: env.taskQueue, workflowId: `${env.workflowIdPrefix}borrow-discover`, args: [{ connection: inline }],
    }));
    expect([failure.type, failure.nonRetryable]).toEqual([WORKER_CREDENTIALS_REFUSED, true]);
    expect(listener.requests).toEqual([]);
  });
});

describe('a stored connection uses it only by the worker\'s explicit grant', () => {
  it('is refused while S3BRIDGE_WORKER_CREDENTIALS is off (the default), naming the setting', async () => {
    const stored = connection(DEFAULT_CHAIN);
    await env.withWarehouse((db) => saveConnection(db, stored));
    expect((await credentialsRow(stored.name)).detail).toBe(`connection "${stored.name}" would sign its requests with the worker's own AWS credentials (auth "default-chain"), `
      + `which the worker does not allow: set S3BRIDGE_WORKER_CREDENTIALS=stored on the worker to let stored connections use them, ${OWN}`);
    expect(listener.requests).toEqual([]);
  });

  it('with the grant, only towards AWS or an endpoint the worker lists', async () => {
    const stored = connection(DEFAULT_CHAIN);
    await env.withWarehouse((db) => saveConnection(db, stored));
    env.settings.workerCredentials = 'stored';
    try {
      expect((await credentialsRow(stored.name)).detail).toBe(`connection "${stored.name}" would send the worker's own AWS credentials (auth "default-chain") to ${listener.endpoint}, `
        + `which is not an AWS endpoint: point it at AWS, or add "${listener.endpoint}" to S3BRIDGE_WORKER_CREDENTIALS_ENDPOINTS on the worker if that endpoint is yours`);
      expect(listener.requests).toEqual([]);
      // An inline copy with the stored name is refused as a shadow; one with settings of its own stays inline.
      expect((await credentialsRow({ ...stored, name: `${stored.name}-copy` })).detail).toMatch(/which only a stored connection may do/);

      env.settings.workerCredentialsEndpoints = [listener.endpoint];
      await credentialsRow(stored.name);
      // Listed: the requests go out signed as the worker. That is what the grant means.
      expect(signedWithWorkerKey().length).toBeGreaterThan(0);
    } finally {
      env.settings.workerCredentials = 'off';
      env.settings.workerCredentialsEndpoints = [];
    }
  });
});
