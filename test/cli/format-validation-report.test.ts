import { describe, expect, it } from 'vitest';
import { formatValidationReport } from '../../src/cli/format-validation-report';

describe('formatValidationReport', () => {
  it('prints one line per check and what was tried and the fix under a failure', () => {
    const text = formatValidationReport({
      connection: 'events',
      direction: 'source',
      status: 'failed',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:02.000Z',
      reason: 'bucket: the bucket is in eu-west-1, the connection says us-east-1',
      checks: [
        { check: 'credentials', status: 'ok', tried: 'resolve', detail: 'S3 accepted the credentials' },
        { check: 'bucket', status: 'failed', tried: 'GetBucketLocation on acme', detail: 'the bucket is in eu-west-1, the connection says us-east-1', fix: 'set region to "eu-west-1"' },
        { check: 'list-prefix', status: 'skipped', tried: 'ListObjectsV2', detail: 'skipped: the bucket check did not pass' },
      ],
    });
    expect(text).toBe([
      'connection "events" (source): Failed at 2026-01-01T00:00:02.000Z',
      '  ok       credentials  S3 accepted the credentials',
      '  failed   bucket       the bucket is in eu-west-1, the connection says us-east-1',
      '                        tried: GetBucketLocation on acme',
      '                        fix: set region to "eu-west-1"',
      '  skipped  list-prefix  skipped: the bucket check did not pass',
    ].join('\n'));
  });
});
