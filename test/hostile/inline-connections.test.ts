import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { startRecordingListener, type RecordingListener } from '../support/recording-listener';
import { innermostFailure } from '../support/workflow-failure';
import { warehouse } from '../import/fixtures';
import { saveConnection } from '../../src/catalog/connection-store';
import { findConnectionStatus } from '../../src/catalog/connection-status-store';
import { listDiscoveredTables } from '../../src/catalog/discovered-table-store';
import type { SourceConnection } from '../../src/workflow-safe/connection';
import { INLINE_CONNECTION_SHADOWS_STORED } from '../../src/workflow-safe/failure-types';

/**
 * An inline connection (anyone who can start a workflow can send one) named like a stored
 * connection is refused everywhere, so it can neither overwrite the stored connection's status
 * or catalog nor load through it.
 */
let env: TestEnv;
let listener: RecordingListener;
let stored: SourceConnection;

beforeAll(async () => {
  env = await createTestEnv('inline-conn');
  listener = await startRecordingListener();
  await putTable(env.s3, env.bucket, 'events/date=2025-05-01/part-0.parquet', 'SELECT r AS id FROM range(4) t(r)');
  await env.startWorker();
  stored = env.source({ name: `stored-${env.id}` });
  await env.withWarehouse((db) => saveConnection(db, stored));
  expect((await env.s3bridge.validateConnection({ connection: stored.name })).status).toBe('active');
  await env.s3bridge.discoverSchema({ connection: stored.name });
});
afterAll(async () => {
  await listener?.close();
  await env?.close();
});

const refusal = (name: string) =>
  `inline connection "${name}" has the name of a stored connection: refer to the stored one by name ({"connection": "${name}"}), or give the inline connection another name`;

const statusOf = () => env.withWarehouse((db) => findConnectionStatus(db, stored.name));
const tablesOf = () => env.withWarehouse((db) => listDiscoveredTables(db, stored.name));
/** The hijacker's copy: the stored name, a host of their choosing. */
const impostor = (): SourceConnection => ({ ...stored, endpoint: listener.endpoint });

describe('an inline connection with a stored connection\'s name', () => {
  it('validateConnection is refused; the stored status stays as it was and nothing is sent to the impostor\'s host', async () => {
    const before = await statusOf();
    const failure = await innermostFailure(env.temporal.workflow.execute('validateConnection', {
      taskQueue: env.taskQueue, workflowId: `${env.workflowIdPrefix}hijack-validate`, args: [{ connection: impostor() }],
    }));
    expect(failure.type).toBe(INLINE_CONNECTION_SHADOWS_STORED);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(refusal(stored.name));
    expect(await statusOf()).toEqual(before);
    expect(before?.status).toBe('active');
    expect(listener.requests).toEqual([]);
  });

  it('discoverSchema is refused; the stored connection\'s catalog stays as it was', async () => {
    const before = await tablesOf();
    expect(before.map((t) => t.name)).toEqual(['events']);
    const failure = await innermostFailure(env.temporal.workflow.execute('discoverSchema', {
      taskQueue: env.taskQueue, workflowId: `${env.workflowIdPrefix}hijack-discover`, args: [{ connection: { ...stored, prefix: 'elsewhere' } }],
    }));
    expect(failure.message).toBe(refusal(stored.name));
    expect(await tablesOf()).toEqual(before);
  });

  it('importTable is refused even with the stored settings unchanged; nothing is loaded', async () => {
    const failure = await innermostFailure(env.temporal.workflow.execute('importTable', {
      taskQueue: env.taskQueue, workflowId: `${env.workflowIdPrefix}hijack-import`, args: [{ connection: stored, table: 'events' }],
    }));
    expect(failure.message).toBe(refusal(stored.name));
    expect(await warehouse(env, "SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_schema = 'raw'")).toEqual([{ n: 0 }]);
  });

  it('importDay started on its own is refused too', async () => {
    const failure = await innermostFailure(env.temporal.workflow.execute('importDay', {
      taskQueue: env.taskQueue, workflowId: `${env.workflowIdPrefix}hijack-day`,
      args: [{ connection: impostor(), table: 'events', unit: '2025-05-01', mapping: { mode: 'raw' }, errorPolicy: 'fail-day', driftPolicy: 'fail', reload: false }],
    }));
    expect(failure.message).toBe(refusal(stored.name));
    expect(listener.requests).toEqual([]);
  });

  it('the stored connection itself still imports by name, and an inline one under its own name keeps its own status', async () => {
    const report = await env.s3bridge.importTable({ connection: stored.name, table: 'events' });
    expect(report.days).toMatchObject([{ day: '2025-05-01', status: 'loaded', rows: 4 }]);
    const own = { ...stored, name: `own-${env.id}` };
    expect((await env.s3bridge.validateConnection({ connection: own })).status).toBe('active');
    expect((await statusOf())?.config).toEqual(stored);
  });
});
