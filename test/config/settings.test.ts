import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings';

describe('store settings', () => {
  it('defaults to the embedded store with nothing else set', () => {
    expect(loadSettings({}).store).toBe('embedded');
  });

  it('shared: Postgres from the URL, its password moved out of the settings, the lake path with a trailing slash', () => {
    const env: NodeJS.ProcessEnv = {
      S3BRIDGE_STORE: 'shared', S3BRIDGE_POSTGRES_URL: 'postgres://lake:s3cr%40t@db.internal:6543/s3bridge', S3BRIDGE_LAKE_DATA_PATH: 's3://lake-bucket/s3bridge',
    };
    const settings = loadSettings(env);
    expect(settings.postgres).toEqual({ host: 'db.internal', port: 6543, database: 's3bridge', user: 'lake', passwordEnv: 'S3BRIDGE_POSTGRES_PASSWORD' });
    expect(settings.lake).toMatchObject({ dataPath: 's3://lake-bucket/s3bridge/' });
    expect(env.S3BRIDGE_POSTGRES_PASSWORD).toBe('s3cr@t');
    expect(JSON.stringify(settings)).not.toContain('s3cr');
  });

  it('names what the shared store is missing, and never echoes a password', () => {
    expect(() => loadSettings({ S3BRIDGE_STORE: 'shared' })).toThrow('S3BRIDGE_STORE=shared needs S3BRIDGE_POSTGRES_URL (postgres://user@host:port/database)');
    expect(() => loadSettings({ S3BRIDGE_STORE: 'shared', S3BRIDGE_POSTGRES_URL: 'postgres://u:pw@h/d', S3BRIDGE_LAKE_DATA_PATH: '/local/lake' }))
      .toThrow('S3BRIDGE_STORE=shared needs S3BRIDGE_LAKE_DATA_PATH=s3://bucket/prefix/ (where the lake\'s Parquet files go), got "/local/lake"');
    expect(() => loadSettings({ S3BRIDGE_STORE: 'shared', S3BRIDGE_POSTGRES_URL: 'mysql://u:pw@h/d', S3BRIDGE_LAKE_DATA_PATH: 's3://b/' }))
      .toThrow('S3BRIDGE_POSTGRES_URL: expected a postgres:// URL, got a mysql:// one');
    expect(() => loadSettings({ S3BRIDGE_STORE: 'lake' })).toThrow('S3BRIDGE_STORE: expected "embedded" or "shared", got "lake"');
  });
});
