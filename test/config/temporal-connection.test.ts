import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings';
import { temporalProfile } from '../../src/config/temporal-connection';

const dir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-envconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Temporal connection from the SDK environment configuration', () => {
  it('defaults to the local dev server', () => {
    expect(temporalProfile({ TEMPORAL_CONFIG_FILE: path.join(dir, 'missing.toml') })).toEqual({
      connectionOptions: { address: '127.0.0.1:7233' }, namespace: 'default',
    });
  });

  it('reads a temporal.toml profile, and environment variables override it', () => {
    const file = path.join(dir, 'temporal.toml');
    writeFileSync(file, '[profile.cloud]\naddress = "my-ns.a1b2c.tmprl.cloud:7233"\nnamespace = "my-ns.a1b2c"\napi_key = "k-123"\n');
    const profile = temporalProfile({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' });
    expect(profile.namespace).toBe('my-ns.a1b2c');
    expect(profile.connectionOptions).toMatchObject({ address: 'my-ns.a1b2c.tmprl.cloud:7233', apiKey: 'k-123', tls: true });
    const settings = loadSettings({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud', TEMPORAL_NAMESPACE: 'other' });
    expect([settings.temporalAddress, settings.temporalNamespace]).toEqual(['my-ns.a1b2c.tmprl.cloud:7233', 'other']);
  });

  it('treats an empty variable as unset (compose passes `${TEMPORAL_API_KEY:-}`)', () => {
    const profile = temporalProfile({ TEMPORAL_CONFIG_FILE: path.join(dir, 'missing.toml'), TEMPORAL_API_KEY: '', TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(profile.connectionOptions).toEqual({ address: 'temporal:7233' });
  });
});
