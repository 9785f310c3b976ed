import { describe, expect, it } from 'vitest';
import { Connection, ConnectionRef } from '../../src/workflow-safe/connection';
import { formatZodIssues } from '../../src/workflow-safe/input-errors';

function problems(input: unknown): string {
  const result = Connection.safeParse(input);
  if (result.success) return 'valid';
  return formatZodIssues(result.error, 'connection');
}

const valid = {
  name: 'events', direction: 'source', region: 'us-east-1', bucket: 'acme-data', prefix: 'exports', auth: { type: 'default-chain' },
};

describe('Connection', () => {
  it('names each missing field and what to enter', () => {
    expect(problems({ name: 'events', direction: 'source' })).toBe([
      'connection.region: required: the AWS region the bucket is in, e.g. "us-east-1" (S3 console, bucket overview)',
      'connection.bucket: required: the bucket name, e.g. "my-bucket" (without s3:// or a path)',
      'connection.auth: required: how s3bridge signs in: {"type": "assume-role", ...}, {"type": "static-keys", ...} or {"type": "default-chain"}',
    ].join('\n'));
  });

  it.each([
    ['s3://acme-data/exports/', 'enter the bucket name only, without "s3://": bucket "acme-data" and prefix "exports"'],
    ['arn:aws:s3:::acme-data', 'enter the bucket name, not its ARN: bucket "acme-data"'],
    ['acme-data/exports/2025', 'enter the path in "prefix", not in the bucket name: bucket "acme-data" and prefix "exports/2025"'],
    ['https://acme-data.s3.amazonaws.com', 'enter the bucket name, not a URL (an S3-compatible server goes in "endpoint")'],
    ['Acme-Data', 'bucket names are lowercase: "acme-data"?'],
    ['ab', 'bucket names are 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit; "ab" has 2'],
  ])('explains a bucket of %j', (bucket, message) => {
    expect(problems({ ...valid, bucket })).toBe(`connection.bucket: ${message}`);
  });

  it('rejects a leading slash, a URI or a wildcard in the prefix, and strips a trailing slash', () => {
    expect(problems({ ...valid, prefix: '/exports' })).toBe('connection.prefix: the prefix has no leading slash: write "events/2025", not "/events/2025"');
    expect(problems({ ...valid, prefix: 's3://acme-data/exports' })).toBe('connection.prefix: the prefix is a path inside the bucket, without "s3://" and the bucket name');
    expect(problems({ ...valid, prefix: 'exports/*' })).toBe('connection.prefix: the prefix is a plain path without wildcards: write "data/audiences", not "data/audiences/*"');
    expect(Connection.parse({ ...valid, prefix: 'exports/' }).prefix).toBe('exports');
  });

  it('checks the role ARN format and refuses secret values in place of references', () => {
    expect(problems({ ...valid, auth: { type: 'assume-role', roleArn: 'arn:aws:iam::1234:role/reader', externalId: 'acme-workspace-0042' } }))
      .toBe('connection.auth.roleArn: expected a role ARN of the form arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME (12-digit account id)');
    expect(problems({ ...valid, auth: { type: 'static-keys', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'env:AWS_SECRET' } }))
      .toBe('connection.auth.accessKeyId: this looks like a secret value; pass a reference instead ("env:VARIABLE_NAME" or "file:/path/to/file") so it never enters workflow history');
    expect(problems({ ...valid, auth: { type: 'iam' } })).toBe('connection.auth.type: auth.type must be "assume-role", "static-keys" or "default-chain"');
  });

  it('takes an endpoint as scheme://host[:port] only: no user:password@, path, query or fragment, and never repeats it', () => {
    expect(problems({ ...valid, endpoint: 'https://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI@s3.acme.example' }))
      .toBe('connection.endpoint: the endpoint carries no user:password@ (credentials go in "auth", as env: or file: references, so they never enter workflow history)');
    for (const endpoint of ['https://s3.acme.example/bucket', 'https://s3.acme.example?x-id=1', 'https://s3.acme.example#x']) {
      expect(problems({ ...valid, endpoint })).toBe('connection.endpoint: the endpoint is scheme://host[:port] only, without a path, query or fragment: both S3 clients must address the same server the same way');
    }
    expect(Connection.parse({ ...valid, endpoint: 'https://s3.acme.example:8443/' }).endpoint).toBe('https://s3.acme.example:8443/');
  });

  it('explains direction, format, partitioning and encryption choices', () => {
    expect(problems({ ...valid, direction: 'import' })).toBe('connection.direction: direction must be "source" (import) or "destination" (export)');
    expect(problems({ ...valid, format: 'json', partitioning: 'yes' })).toBe([
      'connection.format: format must be "parquet", "csv", "csv.gz", "tsv", "tsv.gz", "ndjson", "ndjson.gz" or "auto" (detect from the files)',
      'connection.partitioning: partitioning must be "all" (every table has partition folders), "none" (no table has), "dated-folders" (one folder per day) or "auto"',
    ].join('\n'));
    expect(problems({ ...valid, direction: 'destination', encryption: { type: 'aws:kms' } }))
      .toBe('connection.encryption.kmsKeyArn: required: aws:kms needs kmsKeyArn, the KMS key\'s ARN (arn:aws:kms:REGION:ACCOUNT_ID:key/KEY_ID)');
    expect(problems({ ...valid, direction: 'destination', encryption: { type: 'SSE-S3' } }))
      .toBe('connection.encryption.type: encryption.type must be "none", "AES256" (SSE-S3) or "aws:kms" (SSE-KMS, with kmsKeyArn)');
  });

  it('fills the defaults: auto format and partitioning for sources, AES256 for destinations', () => {
    expect(Connection.parse(valid)).toMatchObject({ format: 'auto', partitioning: 'auto', prefix: 'exports' });
    expect(Connection.parse({ ...valid, direction: 'destination' })).toMatchObject({ encryption: { type: 'AES256' } });
  });

  it('takes a stored connection by name or one inline, and says when a string is no name', () => {
    expect(ConnectionRef.parse('events')).toBe('events');
    expect(ConnectionRef.parse(valid)).toMatchObject({ name: 'events', format: 'auto' });
    const result = ConnectionRef.safeParse('s3://acme-data/exports');
    expect(result.success ? 'valid' : formatZodIssues(result.error, 'connection')).toBe(
      'connection: not a connection name (connection names are 1-63 lowercase letters, digits, "-" or "_", starting with a letter or digit): name a stored connection, or give the connection inline as a JSON object',
    );
  });
});
