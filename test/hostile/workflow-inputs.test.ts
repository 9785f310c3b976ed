import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { innermostFailure } from '../support/workflow-failure';
import { warehouse } from '../import/fixtures';
import { saveConnection } from '../../src/catalog/connection-store';
import { findDiscoveryReport } from '../../src/catalog/discovery-run-store';
import { destination } from '../export/fixtures';
import { CONNECTION_NOT_ACTIVE, INVALID_INPUT } from '../../src/workflow-safe/failure-types';

/**
 * Every workflow can be started by anyone with any JSON (the Temporal UI): each parses its input
 * and fails at once, non-retryably, naming the field; internal state cannot be injected.
 */
let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv('wf-inputs');
  await putTable(env.s3, env.bucket, 'events/date=2025-06-01/part-0.parquet', 'SELECT r AS id FROM range(3) t(r)');
  await env.startWorker();
});
afterAll(async () => env?.close());

let n = 0;
/** Starts a workflow by type with a raw input and returns its failure and its history's event types. */
async function run(workflow: string, input: unknown) {
  n += 1;
  const workflowId = `${env.workflowIdPrefix}input-${n}`;
  const failure = await innermostFailure(env.temporal.workflow.execute(workflow, { taskQueue: env.taskQueue, workflowId, args: [input] }));
  const history = await env.temporal.workflow.getHandle(workflowId).fetchHistory();
  const events = (history.events ?? []).map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes')) ?? '?');
  return { failure, events };
}

const day = { table: 'events', unit: '2025-06-01', mapping: { mode: 'raw' }, errorPolicy: 'fail-day', driftPolicy: 'fail', reload: false };

describe('a bad input fails at once, non-retryably, naming the field', () => {
  it.each([
    ['checkSetup', { connection: 'some-connection', sampleKey: 5 }, 'sampleKey: Invalid input: expected string, received number'],
    ['validateConnection', { connection: 'Not A Name' }, 'connection: not a connection name (connection names are 1-63 lowercase letters, digits, "-" or "_", starting with a letter or digit): name a stored connection, or give the connection inline as a JSON object'],
    ['discoverSchema', { connection: 'some-connection', sampleFiles: 0 }, 'sampleFiles: Too small: expected number to be >=1'],
    ['approveTableDrift', { connection: 'some-connection' }, 'table: Invalid input: expected string, received undefined'],
    ['importTable', { connection: 'some-connection', table: 'events', concurrency: 'all' }, 'concurrency: Invalid input: expected number, received string'],
    ['importDay', { connection: 'some-connection', ...day, unit: '2025-06-01/../x' }, 'unit: expected an ISO day such as "2025-01-31", or "all" for a table without a day partition'],
    ['importDay', { connection: 'some-connection', ...day, errorPolicy: undefined, extra: 1 }, 'errorPolicy: Invalid option: expected one of "fail-day"|"skip-to-rejects"\n(input): Unrecognized key: "extra"'],
  ])('%s', async (workflow, input, message) => {
    const { failure, events } = await run(workflow, input);
    expect(failure.type).toBe(INVALID_INPUT);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(`Invalid input for ${workflow}:\n${message}`);
    // Failed in the first workflow task: nothing was scheduled, nothing retried.
    expect(events).toEqual([
      'workflowExecutionStartedEventAttributes', 'workflowTaskScheduledEventAttributes', 'workflowTaskStartedEventAttributes',
      'workflowTaskCompletedEventAttributes', 'workflowExecutionFailedEventAttributes',
    ]);
  });
});

describe('a secret in the wrong field', () => {
  it('an endpoint carrying user:password@ is refused at once, and the failure does not repeat it', async () => {
    const secret = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';
    const endpoint = new URL(env.source().endpoint!);
    endpoint.username = 'AKIAIOSFODNN7EXAMPLE';
    endpoint.password = secret;
    const { failure } = await run('validateConnection', { connection: env.source({ endpoint: endpoint.href }) });
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual([INVALID_INPUT, true, 'Invalid input for validateConnection:\n'
      + 'connection.endpoint: the endpoint carries no user:password@ (credentials go in "auth", as env: or file: references, so they never enter workflow history)']);
    expect(JSON.stringify(failure)).not.toContain(secret);
  });
});

describe('internal state and the Active check', () => {
  it('discoverSchema refuses a continuation state ("resume") from outside; nothing is committed', async () => {
    const discoveryId = 'injected-discovery';
    const { failure, events } = await run('discoverSchema', {
      connection: env.source(),
      resume: { discoveryId, startedAt: '2025-01-01T00:00:00Z', nextOffset: 0, tableCount: 1000, schemaProblems: [] },
    });
    expect(failure.message).toBe('Invalid input for discoverSchema:\nresume: set only by discovery itself when it continues as new; start a discovery without it');
    expect(events).not.toContain('activityTaskScheduledEventAttributes');
    expect(await env.withWarehouse((db) => findDiscoveryReport(db, discoveryId))).toBeUndefined();
  });

  it('importDay started on its own refuses a stored connection that was never validated; nothing is loaded', async () => {
    const connection = env.source({ name: `never-validated-${env.id}` });
    await env.withWarehouse((db) => saveConnection(db, connection));
    const { failure } = await run('importDay', { connection: connection.name, ...day });
    expect(failure.type).toBe(CONNECTION_NOT_ACTIVE);
    expect(failure.message).toBe(`connection "${connection.name}" has not been validated: run \`s3bridge connections validate ${connection.name}\``);
    expect(await warehouse(env, "SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_schema = 'raw'")).toEqual([{ n: 0 }]);
  });

  it('importTable refuses a carried plan (continue-as-new state) from outside: the Active check still runs; nothing is loaded', async () => {
    const connection = env.source({ name: `carried-${env.id}` });
    await env.withWarehouse((db) => saveConnection(db, connection));
    n += 1;
    const workflowId = `${env.workflowIdPrefix}input-${n}`;
    const injected = {
      connection, target: 'raw.injected', unchangedNotListed: 0, reports: [],
      queue: [{ unit: '2025-06-01', day: '2025-06-01', action: 'load', files: 1, bytes: 1, reason: 'new' }],
    };
    const failure = await innermostFailure(env.temporal.workflow.execute('importTable', {
      taskQueue: env.taskQueue, workflowId, args: [{ connection: connection.name, table: 'events' }, injected],
    }));
    expect(failure.type).toBe(CONNECTION_NOT_ACTIVE);
    expect(await warehouse(env, "SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_schema = 'raw'")).toEqual([{ n: 0 }]);
  });

  it('exportTable refuses carried windows (continue-as-new state) from outside: the Active check still runs; nothing is written', async () => {
    const injectedDestination = destination(env, { name: `carried-dst-${env.id}`, prefix: 'carried' });
    await env.withWarehouse((db) => saveConnection(db, injectedDestination));
    n += 1;
    const workflowId = `${env.workflowIdPrefix}input-${n}`;
    const injected = {
      destination: injectedDestination, queue: [{ windowStart: Date.parse('2025-06-01T00:00:00Z'), reason: 'range' }],
      earlier: { runs: 0, windows: 0, rows: 0, files: 0, bytes: 0 },
    };
    const failure = await innermostFailure(env.temporal.workflow.execute('exportTable', {
      taskQueue: env.taskQueue, workflowId, args: [{ destination: injectedDestination.name, windows: { from: '2025-06-01T00', to: '2025-06-01T01' } }, injected],
    }));
    expect(failure.type).toBe(CONNECTION_NOT_ACTIVE);
    expect(await env.s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: 'carried/' })).then((page) => page.KeyCount ?? 0)).toBe(0);
  });

  it('importDay refuses an inline connection changed since its validation (Active only as validated)', async () => {
    const connection = env.source({ name: `changed-${env.id}` });
    expect((await env.s3bridge.validateConnection({ connection })).status).toBe('active');
    const { failure } = await run('importDay', { connection: { ...connection, prefix: 'elsewhere' }, ...day });
    expect(failure.type).toBe(CONNECTION_NOT_ACTIVE);
    expect(failure.message).toMatch(new RegExp(`^connection "${connection.name}" changed since its validation at .+: run \`s3bridge connections validate ${connection.name}\` again$`));
  });
});
