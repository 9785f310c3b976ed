import { describe, expect, it } from 'vitest';
import { bucketAddressing } from '../../src/s3/bucket-addressing';

describe('bucketAddressing (one rule for the AWS SDK client and DuckDB\'s secret)', () => {
  it.each([
    [{ bucket: 'acme', endpoint: undefined, forcePathStyle: undefined }, 'vhost'],
    [{ bucket: 'acme', endpoint: 'http://127.0.0.1:9000', forcePathStyle: undefined }, 'path'],
    [{ bucket: 'acme', endpoint: 'http://127.0.0.1:9000', forcePathStyle: false }, 'path'],
    [{ bucket: 'acme', endpoint: 'http://[::1]:9000', forcePathStyle: false }, 'path'],
    [{ bucket: 'acme', endpoint: 'https://minio.example.com', forcePathStyle: false }, 'vhost'],
    [{ bucket: 'acme.logs', endpoint: undefined, forcePathStyle: undefined }, 'path'],
    [{ bucket: 'acme.logs', endpoint: 'http://minio.example.com', forcePathStyle: false }, 'vhost'],
    [{ bucket: 'acme', endpoint: undefined, forcePathStyle: true }, 'path'],
  ] as const)('%j -> %s', (connection, style) => {
    expect(bucketAddressing(connection)).toBe(style);
  });
});
