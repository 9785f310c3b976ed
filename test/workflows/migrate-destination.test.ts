import { readFileSync } from 'node:fs';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
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
  // Two loads, received at 10:xx and 11:xx: the migration's two (received-time) windows.
  await seedEvents(env, hourOfEvents('2025-10-01T10:00:00Z', 12), 'load-10');
  await seedEvents(env, hourOfEvents('2025-10-01T11:00:00Z', 8, 50), 'load-11');
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

/** The ETag of every object under `prefix`, by key. */
async function objectETags(prefix: string): Promise<Record<string, string>> {
  const objects: Record<string, string> = {};
  let token: string | undefined;
  do {
    const page = await env.s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) objects[o.Key!] = o.ETag!;
    token = page.NextContinuationToken;
  } while (token);
  return objects;
}

/** Every object of the test bucket outside `testPrefix`, with its ETag. */
async function objectsOutside(testPrefix: string): Promise<Record<string, string>> {
  return Object.fromEntries(Object.entries(await objectETags('')).filter(([key]) => !key.startsWith(testPrefix)));
}

/** A MinIO user with a destination's permissions but one, for the destination `<label>-new`. */
async function userWithout(label: string, action: string): Promise<MinioUser> {
  const base = destination(env, { name: `${label}-new-${env.id}`, prefix: `${label}-new` });
  const user = await createMinioUser(`mig${label}`, policyDocument(accessStatements(base).map((s) =>
    (s.Sid === 'WriteObjects' ? { ...s, Action: (s.Action as string[]).filter((a) => a !== action) } : s))));
  users.push(user);
  return user;
}

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

  /** A failure at each step before the switch, and what causes it (the new destination's keys, or what is already in the bucket). */
  const BEFORE_SWITCH: { step: string; reason: RegExp; setup: (label: string) => Promise<{ newOverrides?: Partial<DestinationConnection>; approval?: 'refuse' }> }[] = [
    {
      step: 'validate',
      reason: /^validate: the new destination failed validation: write-probe: AccessDenied .* \(missing s3:PutObject\)$/,
      setup: async (label) => ({ newOverrides: { auth: (await userWithout(label, 's3:PutObject')).auth } }),
    },
    {
      step: 'test-export',
      // A real stream already writes where the test export would (a destination whose prefix is inside the new one's test folder).
      reason: /^test-export: refused: s3:\/\/\S+\/claimed-new\/segment-logs\/test\/segment-logs\/events at \S+ holds the export of canonical\.events by received time, claimed by destination "inner-\S+" on .*; a migration's test folder is never a real stream's: give the destination another prefix, or the export another sourceId$/,
      setup: async (label) => {
        const inner = await activeDestination(env, destination(env, { name: `inner-${env.id}`, prefix: `${label}-new/segment-logs/test` }));
        const report = await env.s3bridge.exportTable({ destination: inner.name, windows: WINDOWS });
        expect(report.totals.rows).toBe(20);
        return {};
      },
    },
    {
      step: 'verify-test',
      reason: /^verify-test: reading back the export in s3:\/\/\S+: AccessDenied \(HTTP 403\): the credentials lack the permission for this action; see `s3bridge policy` for the statement to add$/,
      setup: async (label) => ({ newOverrides: { auth: (await userWithout(label, 's3:GetObject')).auth } }),
    },
    {
      step: 'awaiting-approval',
      reason: /^awaiting-approval: the switch was refused by bob$/,
      setup: () => Promise.resolve({ approval: 'refuse' as const }),
    },
  ];

  it.each(BEFORE_SWITCH)('rolls back a failure at $step: both destinations as they were, every object outside the test folder untouched, no test file left', async ({ step, reason, setup }) => {
    const label = { validate: 'noput', 'test-export': 'claimed', 'verify-test': 'noget', 'awaiting-approval': 'refused' }[step]!;
    const { newOverrides = {}, approval } = await setup(label);
    const { old, fresh } = await pair(label, newOverrides);
    // The new destination was explicitly enabled before (its own schedule may have been running): a rollback must leave it so.
    await env.withWarehouse((db) => setDestinationStates(db, [{ name: fresh.name, enabled: true, reason: 'ready to take over' }]));
    const states = async () => env.withWarehouse(async (db) => [await destinationState(db, old.name), await destinationState(db, fresh.name)]);
    const before = { states: await states(), objects: await objectsOutside(`${label}-new/segment-logs/test/`) };
    const inTest = await objectETags(`${label}-new/segment-logs/test/`);

    const handle = await env.s3bridge.startMigrateDestination({ from: old.name, to: fresh.name, windows: WINDOWS, overlap: '1 second', requireApproval: approval !== undefined });
    if (approval) {
      await waitForStep(old.name, fresh.name, 'awaiting-approval');
      expect((await env.s3bridge.approveMigration(old.name, fresh.name, { approve: false, by: 'bob' })).accepted).toBe(true);
    }
    const report = await handle.result();
    expect(report.status).toBe('rolled-back');
    expect(report.reason).toMatch(reason);
    expect(report.findings).toContain(`rolling-back: destination states restored as the migration found them: "${old.name}" enabled, "${fresh.name}" enabled`);
    // Enabled states and their reasons as before; every object outside the test folder as before (keys and content).
    expect((await states()).map((s) => [s.name, s.enabled, s.reason])).toEqual(before.states.map((s) => [s.name, s.enabled, s.reason]));
    expect(await objectsOutside(`${label}-new/segment-logs/test/`)).toEqual(before.objects);
    // The test folder holds what it held before (nothing, or the real stream that refused the test export), and no test file.
    expect(await objectETags(`${label}-new/segment-logs/test/`)).toEqual(inTest);
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
    // As the migration found them: the old one enabled, the new one enabled by default (it had no state of its own).
    expect([await enabled(old.name), await enabled(fresh.name)]).toEqual([true, true]);
    expect(await env.withWarehouse((db) => destinationState(db, fresh.name))).toMatchObject({ enabled: true, reason: null, updatedAt: null });
    expect(await bucketKeys(env, env.bucket, 'abort-new/segment-logs/test/')).toEqual([]);
  });

  it('hands over in one change, without an overlap, when the new destination writes the old one\'s location (keys to a role)', async () => {
    const old = await activeDestination(env, destination(env, { name: `keys-${env.id}`, prefix: 'handover' }));
    // The same place with its endpoint written another way (a trailing slash): still one place.
    const role = destination(env, { name: `role-${env.id}`, prefix: 'handover', endpoint: `${old.endpoint!}/`, auth: { type: 'static-keys', accessKeyId: 'env:MINIO_ROOT_USER', secretAccessKey: 'env:MINIO_ROOT_PASSWORD' } });
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
    expect([await enabled(old.name), await enabled(fresh.name)]).toEqual([true, true]);
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
