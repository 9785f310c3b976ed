import { readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessStatements } from '../../src/workflow-safe/policies/connection-policies';
import { policyDocument } from '../../src/workflow-safe/policies/policy-document';
import { destinationState, setDestinationStates } from '../../src/catalog/destination-store';
import { saveConnection } from '../../src/catalog/connection-store';
import type { DestinationConnection } from '../../src/workflow-safe/connection';
import type { MigrationReport } from '../../src/workflow-safe/export/migration';
import { createMinioUser, type MinioUser } from '../support/minio-admin';
import { createTestEnv, type TestEnv } from '../support/harness';
import { activeDestination, bucketKeys, destination, hourOfEvents, readMessages, seedEvents } from '../export/fixtures';

let env: TestEnv;
const users: MinioUser[] = [];
const WINDOWS = { from: '2025-10-01T10', to: '2025-10-01T12' };
const DAY = Date.parse('2025-10-01T00:00:00Z');

beforeAll(async () => {
  env = await createTestEnv('migrate');
  await env.startWorker();
  await seedEvents(env, [...hourOfEvents('2025-10-01T10:00:00Z', 12), ...hourOfEvents('2025-10-01T11:00:00Z', 8, 50)]);
});
afterAll(async () => {
  for (const user of users) await user.remove();
  await env?.close();
});

/** An old destination (stored, Active, enabled) and a new one (stored only) under `<label>-old` and `<label>-new`. */
async function pair(label: string, newOverrides: Partial<DestinationConnection> = {}) {
  const old = await activeDestination(env, destination(env, { name: `${label}-old-${env.id}`, prefix: `${label}-old` }));
  const fresh = destination(env, { name: `${label}-new-${env.id}`, prefix: `${label}-new`, ...newOverrides });
  await env.withWarehouse((db) => saveConnection(db, fresh));
  return { old, fresh };
}

const enabled = async (name: string) => (await env.withWarehouse((db) => destinationState(db, name))).enabled;

async function waitForStep(from: string, to: string, step: MigrationReport['step']): Promise<MigrationReport> {
  for (let i = 0; ; i += 1) {
    const state = await env.s3bridge.queryMigration(from, to).catch(() => undefined);
    if (state?.step === step) return state;
    if (i > 600) throw new Error(`migration never reached ${step}: ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('migrateDestination', () => {
  it('validates, exports to the test prefix and verifies it, switches, overlaps, disables the old one, verifies the new location and removes the test folder', async () => {
    const { old, fresh } = await pair('e2e');
    const report = await env.s3bridge.migrateDestination({ from: old.name, to: fresh.name, windows: WINDOWS, overlap: '2 seconds' });
    expect(report.status, report.reason).toBe('completed');
    expect(report.findings.map((f) => f.split(':')[0])).toEqual(['validate', 'test-export', 'verify-test', 'switch', 'overlap', 'disable-old', 'verify-new', 'cleanup']);
    expect(report.findings).toContain('verify-test: 2 window(s), 20 row(s) read back, exactly the warehouse\'s');
    expect(report.findings).toContain('verify-new: 2 window(s), 20 row(s) read back, exactly the warehouse\'s');
    expect(report.testVerification!.map((v) => [v.window, v.objects, v.exported, v.expected])).toEqual([
      ['2025-10-01T10:00:00.000Z', 1, 12, 12], ['2025-10-01T11:00:00.000Z', 1, 8, 8],
    ]);
    // The test folder (<prefix>/segment-logs/test) is gone; the real location holds every event once.
    expect(await bucketKeys(env, env.bucket, 'e2e-new/')).toEqual([
      `e2e-new/segment-logs/events/${DAY}/s3bridge-20251001T10-0000.gz`,
      `e2e-new/segment-logs/events/${DAY}/s3bridge-20251001T11-0000.gz`,
    ]);
    expect((await readMessages(env, `e2e-new/segment-logs/events/${DAY}/s3bridge-20251001T11-0000.gz`)).length).toBe(8);
    expect([await enabled(old.name), await enabled(fresh.name)]).toEqual([false, true]);
    // A scheduled export of the old destination now skips: the catalog says it is disabled.
    const scheduled = await env.s3bridge.exportTable({ destination: old.name, asOf: '2025-10-01T12' });
    expect(scheduled.status).toBe('skipped');
    // The migration and its child export replay deterministically from their histories.
    const bundle = { workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') } };
    const id = env.s3bridge.migrationWorkflowId(old.name, fresh.name);
    await Worker.runReplayHistory(bundle, await env.temporal.workflow.getHandle(id).fetchHistory(), id);
    await Worker.runReplayHistory(bundle, await env.temporal.workflow.getHandle(`${id}-test-export`).fetchHistory(), `${id}-test-export`);
  });

  it('rolls back when the new destination lacks s3:PutObject: the old one stays enabled, no test object is left, the report says why', async () => {
    const base = destination(env, { name: `noput-new-${env.id}`, prefix: 'noput-new' });
    const user = await createMinioUser('mignoput', policyDocument(accessStatements(base).map((s) =>
      (s.Sid === 'WriteObjects' ? { ...s, Action: (s.Action as string[]).filter((a) => a !== 's3:PutObject') } : s))));
    users.push(user);
    const { old, fresh } = await pair('noput', { auth: user.auth });
    const report = await env.s3bridge.migrateDestination({ from: old.name, to: fresh.name, windows: WINDOWS, overlap: '1 second' });
    expect(report.status).toBe('rolled-back');
    expect(report.reason).toMatch(/^validate: the new destination failed validation: write-probe: AccessDenied .* \(missing s3:PutObject\)$/);
    expect(report.findings).toContain(`rolling-back: "${old.name}" stays enabled`);
    expect([await enabled(old.name), await enabled(fresh.name)]).toEqual([true, false]);
    expect(await bucketKeys(env, env.bucket, 'noput-new/')).toEqual([]);
  });

  it('pauses between steps, resumes, and switches only after an approval (an Update that says whether it was accepted)', async () => {
    const { old, fresh } = await pair('approve');
    const handle = await env.s3bridge.startMigrateDestination({ from: old.name, to: fresh.name, windows: WINDOWS, overlap: '1 second', requireApproval: true });
    await env.s3bridge.pauseMigration(old.name, fresh.name);
    const early = await env.s3bridge.approveMigration(old.name, fresh.name, { approve: true, by: 'too-early' });
    expect(early.accepted).toBe(false);
    // Paused: the step does not move on.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const paused = await env.s3bridge.queryMigration(old.name, fresh.name);
    expect(paused.status).toBe('paused');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await env.s3bridge.queryMigration(old.name, fresh.name)).step).toBe(paused.step);
    await env.s3bridge.resumeMigration(old.name, fresh.name);

    const waiting = await waitForStep(old.name, fresh.name, 'awaiting-approval');
    expect(waiting.testVerification?.every((v) => v.ok)).toBe(true);
    expect(await enabled(fresh.name)).toBe(false);
    expect(await env.s3bridge.approveMigration(old.name, fresh.name, { approve: true, by: 'alice', note: 'test export checked' }))
      .toEqual({ accepted: true, message: 'approved: switching to the new destination' });
    expect((await env.s3bridge.approveMigration(old.name, fresh.name, { approve: false })).accepted).toBe(false);
    const report = await handle.result();
    expect(report.status, report.reason).toBe('completed');
    expect(report.approval).toEqual({ approved: true, by: 'alice', note: 'test export checked' });
    expect(report.findings).toContain('awaiting-approval: approved by alice');
  });

  it('rolls back on abort: test objects removed, the old destination enabled again', async () => {
    const { old, fresh } = await pair('abort');
    const handle = await env.s3bridge.startMigrateDestination({ from: old.name, to: fresh.name, windows: WINDOWS, overlap: '1 hour' });
    await waitForStep(old.name, fresh.name, 'overlap');
    expect([await enabled(old.name), await enabled(fresh.name)]).toEqual([true, true]);
    await env.s3bridge.abortMigration(old.name, fresh.name, 'changed our mind');
    const report = await handle.result();
    expect(report).toMatchObject({ status: 'rolled-back', step: 'rolled-back', reason: 'overlap: aborted: changed our mind' });
    expect([await enabled(old.name), await enabled(fresh.name)]).toEqual([true, false]);
    expect(await bucketKeys(env, env.bucket, 'abort-new/segment-logs/test/')).toEqual([]);
  });

  it('hands over in one change, without an overlap, when the new destination writes the old one\'s location (keys to a role)', async () => {
    const old = await activeDestination(env, destination(env, { name: `keys-${env.id}`, prefix: 'handover' }));
    const role = destination(env, { name: `role-${env.id}`, prefix: 'handover', auth: { type: 'static-keys', accessKeyId: 'env:MINIO_ROOT_USER', secretAccessKey: 'env:MINIO_ROOT_PASSWORD' } });
    await env.withWarehouse((db) => saveConnection(db, role));
    const report = await env.s3bridge.migrateDestination({ from: old.name, to: role.name, windows: WINDOWS, overlap: '1 hour' });
    expect(report.status, report.reason).toBe('completed');
    expect(report.findings.map((f) => f.split(':')[0])).toEqual(['validate', 'test-export', 'verify-test', 'switch', 'verify-new', 'cleanup']);
    expect([await enabled(old.name), await enabled(role.name)]).toEqual([false, true]);
    expect(await bucketKeys(env, env.bucket, 'handover/segment-logs/test/')).toEqual([]);
  });

  it('rolls back when the test windows hold no events: an empty test folder proves nothing', async () => {
    const { old, fresh } = await pair('empty');
    const report = await env.s3bridge.migrateDestination({ from: old.name, to: fresh.name, windows: { from: '2025-10-02T00', to: '2025-10-02T01' }, overlap: '1 second' });
    expect(report).toMatchObject({
      status: 'rolled-back',
      reason: 'test-export: the test windows (2025-10-02T00:00:00.000Z to 2025-10-02T01:00:00.000Z) hold no events, so nothing would show that the new destination receives data: give "windows" with events',
    });
    expect([await enabled(old.name), await enabled(fresh.name)]).toEqual([true, false]);
  });

  it('refuses two enabled destinations writing the same location', async () => {
    const a = await activeDestination(env, destination(env, { name: `same-a-${env.id}`, prefix: 'same' }));
    const b = destination(env, { name: `same-b-${env.id}`, prefix: 'same' });
    await env.withWarehouse(async (db) => {
      await setDestinationStates(db, [{ name: a.name, enabled: true, reason: 'test' }]);
      await saveConnection(db, b);
    });
    const error = await env.withWarehouse((db) => setDestinationStates(db, [{ name: b.name, enabled: true, reason: 'test' }])).catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe(`destinations "${a.name}" and "${b.name}" would both be enabled writing s3://${env.bucket}/same at http://127.0.0.1:9000: their files would overwrite each other; disable one first`);
    // b was stored without a state (enabled by default), so neither may export on schedule until one is disabled.
    const report = await env.s3bridge.exportTable({ destination: a.name, asOf: '2025-10-01T12' });
    expect(report).toMatchObject({ status: 'skipped' });
    expect(report.note).toBe(`refused: destinations "${a.name}" and "${b.name}" are both enabled writing s3://${env.bucket}/same at http://127.0.0.1:9000; their files would overwrite each other: disable one`);
  });
});
