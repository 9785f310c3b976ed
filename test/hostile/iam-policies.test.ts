import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3bridgeCli } from '../support/cli-process';
import { Connection } from '../../src/workflow-safe/connection';
import { connectionPolicies } from '../../src/workflow-safe/policies/connection-policies';
import { formatZodIssues } from '../../src/workflow-safe/input-errors';

/**
 * The policies s3bridge prints are pasted into AWS as they are: they must grant exactly the
 * connection's prefix and the actions its runs make, and the role trust must hinge on an
 * external ID nobody can guess.
 */
const ROLE = 'arn:aws:iam::123456789012:role/s3bridge-reader';
/** What the parse says about a connection, as the CLI and workflows word it. */
function problems(input: unknown): string {
  const result = Connection.safeParse(input);
  return result.success ? 'valid' : formatZodIssues(result.error, 'connection');
}
const connection = (prefix: string, direction: 'source' | 'destination' = 'source') => Connection.parse({
  name: 'acme', direction, region: 'us-east-1', bucket: 'acme-data', prefix,
  auth: { type: 'assume-role', roleArn: ROLE, externalId: 'acme-workspace-0042' },
});

describe('a prefix with IAM wildcard or variable characters', () => {
  it('is escaped in the ARN and in the s3:prefix condition, so team? grants team?/ and not teamA/', () => {
    const [list, , read] = connectionPolicies(connection('exports/team?')).identityPolicy.Statement;
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['exports/team${?}', 'exports/team${?}/*'] } });
    expect(read?.Resource).toBe('arn:aws:s3:::acme-data/exports/team${?}/*');
  });

  it('a policy variable in the prefix is taken literally: ${aws:username} does not become the caller\'s name', () => {
    const [list, , read] = connectionPolicies(connection('home/${aws:username}')).identityPolicy.Statement;
    expect(read?.Resource).toBe('arn:aws:s3:::acme-data/home/${$}{aws:username}/*');
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['home/${$}{aws:username}', 'home/${$}{aws:username}/*'] } });
  });

  it('a * is refused outright, naming the plain path to write', () => {
    expect(problems({ ...connection('x'), prefix: 'data/*' }))
      .toBe('connection.prefix: the prefix is a plain path without wildcards: write "data/audiences", not "data/audiences/*"');
  });
});

describe('destination policies', () => {
  // What the reference export integration grants (Statsig's export bucket policy, shared/reference).
  const SEED_ACTIONS = ['s3:ListBucket', 's3:GetBucketLocation', 's3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion',
    's3:AbortMultipartUpload', 's3:ListBucketMultipartUploads', 's3:ListMultipartUploadParts'];

  it('carry only actions the seeds list, and only those s3bridge calls', () => {
    const actions = connectionPolicies(connection('segment-logs', 'destination')).identityPolicy.Statement.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => !SEED_ACTIONS.includes(a))).toEqual([]);
    expect(actions).toEqual(['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads', 's3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload']);
  });
});

describe('the external ID', () => {
  let dataDir: string;
  const cli = (...args: string[]) => s3bridgeCli(args, { ...process.env, S3BRIDGE_DATA_DIR: dataDir });
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-iam-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a guessable one is refused, saying why', () => {
    const short = { ...connection('x'), auth: { type: 'assume-role', roleArn: ROLE, externalId: 'acme-42' } };
    expect(problems(short)).toBe('connection.auth.externalId: at least 16 characters: the external ID keeps anyone else who uses the same s3bridge worker '
      + 'from having it assume your role, so it must not be guessable; leave it out and `s3bridge connections add` generates a random one');
    const { externalId: _left, ...withoutId } = short.auth;
    expect(problems({ ...short, auth: withoutId })).toBe('connection.auth.externalId: required: the role\'s external ID (at least 16 characters); `s3bridge connections add` generates a random one when you leave it out');
  });

  it('left out, `connections add` generates a random one of 32 characters and `policy` prints it', async () => {
    const added = await cli('connections', 'add', '--no-validate', JSON.stringify({
      name: 'assumed', direction: 'source', region: 'us-east-1', bucket: 'acme-data', auth: { type: 'assume-role', roleArn: ROLE },
    }));
    expect(added.code).toBe(0);
    const externalId = /generated its external ID: (\S+) /.exec(added.stderr)?.[1] ?? '';
    expect(externalId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const trust = await cli('policy', 'assumed', '--only', 'trust');
    expect((JSON.parse(trust.stdout) as { Statement: { Condition: unknown }[] }).Statement[0]!.Condition).toEqual({ StringEquals: { 'sts:ExternalId': externalId } });
    const all = await cli('policy', 'assumed');
    expect(all.stdout).toContain(`// external ID: ${externalId}`);
    // Another connection gets another one.
    const other = await cli('connections', 'add', '--no-validate', JSON.stringify({
      name: 'assumed-too', direction: 'source', region: 'us-east-1', bucket: 'acme-data', auth: { type: 'assume-role', roleArn: ROLE },
    }));
    expect(/generated its external ID: (\S+) /.exec(other.stderr)?.[1]).not.toBe(externalId);
  }, 120_000);
});
