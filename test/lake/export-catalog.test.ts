import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { sharedSettings } from '../support/shared-store';
import { buildDeps, type BuiltDeps } from '../../src/worker/build-deps';

/** The export's catalog (stream claims, the windows' loads, restored destination states) in the shared setup's Postgres. */
let env: TestEnv;
let deps: BuiltDeps;
beforeAll(async () => {
  env = await createTestEnv('export-catalog');
  deps = buildDeps(await sharedSettings(env));
});
afterAll(async () => { await deps?.close(); await env?.close(); });

describe('the export catalog on the shared store', () => {
  it('claims a folder once per stream, records a window\'s loads, forgets a test\'s claim and restores destination states', async () => {
    const { catalog } = deps;
    const claim = { location: 's3://b/p/segment-logs/web at x', bucket: 'b', folder: 'p/segment-logs/web', table: 'raw.a', sourceId: 'web', format: 'segment', clock: 'received', timeColumn: null, purpose: 'stream' as const, destination: 'd' };
    expect(await catalog.claimExportStream(claim)).toBeUndefined();
    expect(await catalog.claimExportStream(claim)).toBeUndefined();
    expect((await catalog.claimExportStream({ ...claim, table: 'raw.b' }))?.table).toBe('raw.a');
    await catalog.claimExportStream({ ...claim, location: 's3://b/p/segment-logs/test/segment-logs/web at x', folder: 'p/segment-logs/test/segment-logs/web', purpose: 'migration-test' });
    expect((await catalog.testStreamClaims('b', 'p/segment-logs/test')).map((c) => c.folder)).toEqual(['p/segment-logs/test/segment-logs/web']);
    await catalog.releaseExportStreams(['s3://b/p/segment-logs/test/segment-logs/web at x']);
    expect(await catalog.testStreamClaims('b', 'p/segment-logs/test')).toEqual([]);
    await catalog.saveExportLedgerEntry({ exportKey: 'k|received', windowStart: 3600000, files: [], rows: 1, bytes: 2, checksum: 'c', fingerprint: 'f', runId: 'r', loads: ['l1', 'l2'] });
    await catalog.saveExportLedgerEntry({ exportKey: 'k|received', windowStart: 3600000, files: [], rows: 1, bytes: 2, checksum: 'c', fingerprint: 'f', runId: 'r', loads: ['l1', 'l2', 'l3'] });
    expect((await catalog.exportLedger('k|received'))[0]!.loads).toEqual(['l1', 'l2', 'l3']);
    await catalog.deleteExportLedger('k|');
    expect(await catalog.exportLedger('k|received')).toEqual([]);
    const before = [await catalog.destinationState('x'), await catalog.destinationState('y')];
    await catalog.setDestinationStates([{ name: 'x', enabled: false, reason: 'm' }]);
    await catalog.restoreDestinationStates(before);
    expect([await catalog.destinationState('x'), await catalog.destinationState('y')].map((s) => [s.enabled, s.reason, s.updatedAt])).toEqual([[true, null, null], [true, null, null]]);
  });
});
