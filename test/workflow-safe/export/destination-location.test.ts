import { describe, expect, it } from 'vitest';
import { destinationLocation, destinationPlace } from '../../../src/workflow-safe/export/destination-location';

const at = (endpoint?: string) => ({ bucket: 'acme-logs', prefix: 'path/prefix', ...(endpoint !== undefined ? { endpoint } : {}) });

describe('where a destination writes', () => {
  it('says it as the connection spells it (reports, the ledger\'s key)', () => {
    expect(destinationLocation(at('http://127.0.0.1:9000/'))).toBe('s3://acme-logs/path/prefix at http://127.0.0.1:9000/');
    expect(destinationLocation(at(), 'path/prefix/segment-logs/web')).toBe('s3://acme-logs/path/prefix/segment-logs/web');
  });

  it('compares one spelling of an endpoint: a trailing slash, capitals or the default port are the same place, and an AWS S3 endpoint is AWS', () => {
    const place = 's3://acme-logs/path/prefix at http://127.0.0.1:9000';
    for (const endpoint of ['http://127.0.0.1:9000', 'http://127.0.0.1:9000/', 'HTTP://127.0.0.1:9000//', ' http://127.0.0.1:9000 ']) {
      expect(destinationPlace(at(endpoint))).toBe(place);
    }
    expect(destinationPlace(at('https://MinIO.example.com:443/'))).toBe('s3://acme-logs/path/prefix at https://minio.example.com');
    expect(destinationPlace(at('http://minio.example.com:80'))).toBe('s3://acme-logs/path/prefix at http://minio.example.com');
    // Another port, scheme or path is another server (or may be).
    expect(destinationPlace(at('http://127.0.0.1:9001'))).not.toBe(place);
    expect(destinationPlace(at('https://minio.example.com:8443/s3/'))).toBe('s3://acme-logs/path/prefix at https://minio.example.com:8443/s3');
    // Bucket names are global on AWS: an explicit AWS S3 endpoint writes where no endpoint does.
    for (const endpoint of ['https://s3.amazonaws.com', 'https://s3.us-east-1.amazonaws.com/', 'https://s3-us-west-2.amazonaws.com', 'https://s3.dualstack.eu-west-1.amazonaws.com']) {
      expect(destinationPlace(at(endpoint))).toBe('s3://acme-logs/path/prefix');
    }
    expect(destinationPlace(at('https://s3.example.amazonaws.com.evil.test'))).toBe('s3://acme-logs/path/prefix at https://s3.example.amazonaws.com.evil.test');
    expect(destinationPlace(at(), 'path/prefix/segment-logs/test')).toBe('s3://acme-logs/path/prefix/segment-logs/test');
  });
});
