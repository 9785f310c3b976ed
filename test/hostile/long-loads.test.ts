import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { catalog, discovered } from '../import/fixtures';
import { createPlanImport } from '../../activities/import/plan-import';
import { createLoadDayPartition } from '../../activities/import/load-day-partition';
import { refreshingCredentials } from '../../src/s3/refreshing-credentials';
import { describeS3Error } from '../../src/s3/classify-s3-error';

describe('credentials, retries and heartbeats of long loads', () => {
  it('assume-role credentials are replaced ten minutes before they expire, not before', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    let issued = 0;
    const session = refreshingCredentials(() => {
      issued += 1;
      return Promise.resolve({ accessKeyId: `AK${issued}`, secretAccessKey: 's', expiration: new Date(now + 60 * 60_000) });
    }, undefined, () => now);
    expect((await session.get()).accessKeyId).toBe('AK1');
    now += 49 * 60_000;
    expect(await session.refreshed()).toBeUndefined();
    expect((await session.get()).accessKeyId).toBe('AK1');
    now += 2 * 60_000;
    expect((await session.refreshed())?.accessKeyId).toBe('AK2');
    expect((await session.get()).accessKeyId).toBe('AK2');
    expect(issued).toBe(2);
  });

  it.each([
    [{ name: 'ExpiredToken', $metadata: { httpStatusCode: 400 } }, 'transient'],
    [{ name: 'RequestTimeout', $metadata: { httpStatusCode: 400 } }, 'transient'],
    [{ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } }, 'transient'],
    [{ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } }, 'invalid-credentials'],
  ])('S3 error %o is %s', (error, kind) => {
    expect(describeS3Error(error).kind).toBe(kind);
  });
});

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv('hostile-long');
});
afterAll(async () => env?.close());

describe('heartbeats come before the first listing', () => {
  it('planImport and loadDayPartition heartbeat before they list (a listing that hangs or fails comes after)', async () => {
    // The table's folder is in a bucket that does not exist: the listing fails, after the first heartbeat.
    const table = discovered(env, { name: 'gone', columns: [{ name: 'id', type: 'BIGINT' }] });
    await catalog(env, [table]);
    const connection = env.source({ bucket: `${env.bucket}-missing` });
    for (const run of [
      (activity: MockActivityEnvironment) => activity.run(createPlanImport({ settings: env.settings }),
        { connection, table: 'gone', days: 'all' as const, mapping: { mode: 'raw' as const }, reload: false }),
      (activity: MockActivityEnvironment) => activity.run(createLoadDayPartition({ settings: env.settings }),
        { connection, table: 'gone', unit: 'all', mapping: { mode: 'raw' as const }, errorPolicy: 'fail-day' as const, driftPolicy: 'fail' as const, reload: false }),
    ]) {
      const activity = new MockActivityEnvironment();
      const beats: unknown[] = [];
      activity.on('heartbeat', (details: unknown) => beats.push(details));
      await expect(run(activity)).rejects.toThrow(/NoSuchBucket/);
      expect(beats.length).toBeGreaterThanOrEqual(1);
    }
  });
});
