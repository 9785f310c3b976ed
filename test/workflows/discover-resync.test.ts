import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { getDiscoveredTable } from '../../src/catalog/discovered-table-store';
import { listDiscoveryReports } from '../../src/catalog/discovery-run-store';
import type { SourceConnection } from '../../src/workflow-safe/connection';

let env: TestEnv;
let connection: SourceConnection;
const ROWS = 'SELECT i::BIGINT AS id, \'v\' || i AS label FROM range(3) t(i)';

beforeAll(async () => {
  env = await createTestEnv('discover-resync');
  await env.startWorker();
  connection = env.source({ prefix: 'resync' });
  await putTable(env.s3, env.bucket, 'resync/a/date=2025-01-01/part-0.parquet', ROWS);
  await putTable(env.s3, env.bucket, 'resync/a/date=2025-01-02/part-0.parquet', ROWS);
});
afterAll(async () => env?.close());

const table = (name: string) => env.withWarehouse((db) => getDiscoveredTable(db, connection.name, name));

/** Starts a stand-in for an import waiting on drift (no worker polls its queue, so it stays Running) and waits until visibility lists it. */
async function startWaitingImport(workflowId: string) {
  const handle = await env.temporal.workflow.start('importTable', { taskQueue: `${env.taskQueue}-nobody`, workflowId, args: [{}] });
  for (let i = 0; i < 100; i++) {
    const count = await env.temporal.workflow.count(`WorkflowId = ${JSON.stringify(workflowId)}`);
    if (count.count > 0) return handle;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${workflowId} never became visible`);
}

describe('resync', () => {
  it('reports exactly the added column, the added table and the new partition value, and holds the drift', async () => {
    const first = await env.s3bridge.discoverSchema({ connection });
    expect(first.diff).toEqual({ tablesAdded: ['a'], tablesRemoved: [], tablesChanged: [] });

    await putTable(env.s3, env.bucket, 'resync/a/date=2025-01-03/part-0.parquet', `SELECT *, 0.5::DOUBLE AS score FROM (${ROWS})`);
    await putTable(env.s3, env.bucket, 'resync/b/part-0.parquet', ROWS);
    const resync = await env.s3bridge.discoverSchema({ connection });
    const change = { name: 'a', columnsAdded: [{ name: 'score', type: 'DOUBLE' }], columnsRemoved: [], typeChanges: [] };
    expect(resync.diff).toEqual({
      tablesAdded: ['b'],
      tablesRemoved: [],
      tablesChanged: [{ ...change, newPartitionValues: [{ key: 'date', values: ['2025-01-03'] }] }],
    });
    expect(resync.drifted).toEqual(['a']);
    expect((await table('a')).drift).toEqual({ status: 'pending', diff: { ...change, newPartitionValues: [] }, detectedAt: resync.finishedAt });
    expect((await table('b')).drift).toBeUndefined();
    const reports = await env.withWarehouse((db) => listDiscoveryReports(db, connection.name));
    expect(reports.map((r) => r.discoveryId)).toEqual([resync.discoveryId, first.discoveryId]);
  });

  it('approves the drift in the catalog and signals only that table\'s running imports', async () => {
    const prefix = `${env.workflowIdPrefix}import-${connection.name}`;
    const waiting = await startWaitingImport(`${prefix}-a-2025-01-03`);
    const other = await startWaitingImport(`${prefix}-ab`);
    try {
      const { drift, signalled } = await env.s3bridge.approveTableDrift({ connection: connection.name, table: 'a' });
      expect(signalled).toEqual([waiting.workflowId]);
      expect(drift).toMatchObject({ status: 'approved', approvedAt: expect.any(String) });
      expect((await table('a')).drift?.status).toBe('approved');
      const history = await waiting.fetchHistory();
      const signals = (history.events ?? []).flatMap((e) => (e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes] : []));
      expect(signals.map((s) => s.signalName)).toEqual(['approveDrift']);
      const otherHistory = await other.fetchHistory();
      expect((otherHistory.events ?? []).some((e) => e.workflowExecutionSignaledEventAttributes)).toBe(false);
    } finally {
      await waiting.terminate('test done');
      await other.terminate('test done');
    }
    // Nothing changed since: a resync finds no diff and keeps the approval.
    const again = await env.s3bridge.discoverSchema({ connection });
    expect(again.diff).toEqual({ tablesAdded: [], tablesRemoved: [], tablesChanged: [] });
    expect((await table('a')).drift?.status).toBe('approved');
  });

  it('refuses to approve a table with no held change', async () => {
    const error = await env.s3bridge.approveTableDrift({ connection: connection.name, table: 'b' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(((error as WorkflowFailedError).cause?.cause as Error | undefined)?.message).toBe(
      `table "b" of connection "${connection.name}" has no schema change waiting for approval`);
  });

  it('creates a resync Schedule whose run re-discovers the connection', async () => {
    const stored = env.source({ name: `stored-${env.id}`, prefix: 'resync' });
    const { saveConnection } = await import('../../src/catalog/connection-store');
    await env.withWarehouse((db) => saveConnection(db, stored));
    const scheduleId = await env.s3bridge.scheduleResync({ connection: stored.name, every: '1d' });
    const handle = env.temporal.schedule.getHandle(scheduleId);
    try {
      const description = await handle.describe();
      expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'discoverSchema', args: [{ connection: stored.name }] });
      expect(description.spec.intervals).toMatchObject([{ every: 86_400_000 }]);
      await handle.trigger();
      let reports: unknown[] = [];
      for (let i = 0; i < 150 && reports.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        reports = await env.withWarehouse((db) => listDiscoveryReports(db, stored.name));
      }
      expect(reports).toHaveLength(1);
    } finally {
      await handle.delete();
    }
  });
});
