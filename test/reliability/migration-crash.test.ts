import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker';
import type { CrashPoint } from '../support/worker-process';
import { activityAttempts } from '../support/pending-activity';
import { writeReportRows, type ReportRow } from '../support/reliability-report';
import { saveConnection } from '../../src/catalog/connection-store';
import { destinationState } from '../../src/catalog/destination-store';
import { activeDestination, bucketKeys, destination, hourOfEvents, readMessages, seedEvents } from '../export/fixtures';

/**
 * SIGKILL of the worker process at several steps of a destination migration: the test export,
 * the switch (after the catalog changed, before Temporal heard), disabling the old destination,
 * verifying the new location and the cleanup. A new worker finishes every migration: completed,
 * every event exactly once at the new location, the test folder gone, the right destination
 * enabled, no open multipart upload. The cases run at once, each with its own bucket, task queue
 * and warehouse (a killed activity is retried only after its timeout: 20 s heartbeat for exports
 * and verification, 1 minute for the short catalog and cleanup calls).
 */
const WINDOWS = { from: '2025-10-01T10', to: '2025-10-01T12' };
const DAY = Date.parse('2025-10-01T00:00:00Z');
const EVENTS = { '2025-10-01T10': 12, '2025-10-01T11': 8 };
const TOTAL = 20;

interface Position { name: string; step: string; crash: CrashPoint; moment: string }

// Fixed positions over the migration's steps (its activities in call order: setDestinationStates
// 1 = new disabled while testing, 2 = new enabled (switch), 3 = old disabled; verifyExport 1 = the
// test prefix, 2 = the new location; exportWindow 1-2 = the test export's windows).
const POSITIONS: Position[] = [
  { name: 'mig-test-export', step: 'test-export', crash: { activity: 'exportWindow', when: 'after', nth: 2 }, moment: 'after the second test window was uploaded, before Temporal heard' },
  { name: 'mig-switch', step: 'switch', crash: { activity: 'setDestinationStates', when: 'after', nth: 2 }, moment: 'after the new destination was enabled in the catalog, before Temporal heard' },
  { name: 'mig-disable-old', step: 'disable-old', crash: { activity: 'setDestinationStates', when: 'before', nth: 3 }, moment: 'as the old destination was to be disabled' },
  { name: 'mig-verify-new', step: 'verify-new', crash: { activity: 'verifyExport', when: 'before', nth: 2 }, moment: 'as the new location was to be read back' },
  { name: 'mig-cleanup', step: 'cleanup', crash: { activity: 'removeExportPrefix', when: 'after', nth: 1 }, moment: 'after the test folder was deleted, before Temporal heard' },
];

const rows = new Map<string, ReportRow>();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  writeReportRows(__filename, [...rows.values()]);
});

async function openUploads(env: TestEnv, prefix: string): Promise<number> {
  const page = await env.s3.send(new ListMultipartUploadsCommand({ Bucket: env.bucket, Prefix: prefix }));
  return page.Uploads?.length ?? 0;
}

async function migrationCase({ name, step, crash, moment }: Position) {
  rows.set(name, { fault: `worker SIGKILL during a migration (${step})`, where: 'did not finish', outcome: 'test failed', rowsExpected: TOTAL, rowsFound: '-' });
  const env = await createTestEnv(name);
  let worker: WorkerProcess | undefined = await spawnWorker(env.settings, crash);
  cleanups.push(async () => { await worker?.kill(); await env.close(); });
  // One load an hour, received in that hour: the migration's two (received-time) windows.
  for (const [i, [hour, count]] of Object.entries(EVENTS).entries()) await seedEvents(env, hourOfEvents(`${hour}:00:00Z`, count, i * 50), `load-${i}`);
  const old = await activeDestination(env, destination(env, { name: `old-${env.id}`, prefix: 'old' }));
  const fresh = destination(env, { name: `new-${env.id}`, prefix: 'new' });
  await env.withWarehouse((db) => saveConnection(db, fresh));

  const started = Date.now();
  const handle = await env.s3bridge.startMigrateDestination({ from: old.name, to: fresh.name, windows: WINDOWS, overlap: '1 second' });
  await worker.exited;
  expect(worker.child.signalCode).toBe('SIGKILL');
  worker = undefined;
  await env.startWorker();
  const report = await handle.result();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

  const keys = await bucketKeys(env, env.bucket, 'new/');
  const messages = (await Promise.all(keys.map((key) => readMessages(env, key)))).flat();
  const ids = messages.map((m) => m.messageId as string);
  const enabled = async (destinationName: string) => (await env.withWarehouse((db) => destinationState(db, destinationName))).enabled;
  const states = [await enabled(old.name), await enabled(fresh.name)];
  const open = await openUploads(env, 'new/');
  // The activity the kill hit: in the migration itself, or in its test export's child workflow.
  const killedIn = crash.activity === 'exportWindow' ? env.temporal.workflow.getHandle(`${handle.workflowId}-test-export`) : handle;
  const attempts = await activityAttempts(killedIn, crash.activity);
  rows.set(name, {
    fault: `worker SIGKILL during a migration (${step})`,
    where: `migrateDestination, ${crash.activity} call ${crash.nth ?? 1}: ${moment}`,
    outcome: `new worker finished in ${seconds} s: ${report.status} (step ${report.step}); ${crash.activity} attempts ${attempts.join(',')}; `
      + `objects at the new location ${keys.length}, duplicate message IDs ${ids.length - new Set(ids).size}; old/new enabled ${states.join('/')}; open uploads ${open}`,
    rowsExpected: TOTAL,
    rowsFound: new Set(ids).size,
  });

  expect(report.status, report.reason).toBe('completed');
  expect(report.findings).toContain('verify-new: 2 window(s), 20 row(s) read back, exactly the warehouse\'s');
  // Only the real location's objects: the test folder is gone, each window written once.
  expect(keys).toEqual([
    `new/segment-logs/events/${DAY}/s3bridge-20251001T10-0000.gz`,
    `new/segment-logs/events/${DAY}/s3bridge-20251001T11-0000.gz`,
  ]);
  expect(ids).toHaveLength(TOTAL);
  expect(new Set(ids).size).toBe(TOTAL);
  expect(states).toEqual([false, true]);
  expect(open).toBe(0);
  // The kill really cut that call off: the n-th call of the activity is the one that needed a retry.
  expect(attempts[(crash.nth ?? 1) - 1]).toBe(2);
}

describe('migrateDestination survives a worker killed at any step', () => {
  it.concurrent.each(POSITIONS)('SIGKILL $moment ($step): a new worker completes the migration exactly once', async (position) => {
    await migrationCase(position);
  }, 240_000);
});
