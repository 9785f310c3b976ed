import { HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessStatements } from '../../src/workflow-safe/policies/connection-policies';
import { policyDocument, type PolicyStatement } from '../../src/workflow-safe/policies/policy-document';
import { createMinioUser, type MinioUser } from '../support/minio-admin';
import { createTestEnv, type TestEnv } from '../support/harness';
import { activeDestination, bucketKeys, destination, readMessages, seedBulkEvents } from '../export/fixtures';

let env: TestEnv;
const users: MinioUser[] = [];
const ROWS = 60_000;

beforeAll(async () => {
  env = await createTestEnv('export-sse');
  await env.startWorker();
  await seedBulkEvents(env, '2025-07-01T08:00:00Z', ROWS);
});
afterAll(async () => {
  for (const user of users) await user.remove();
  await env?.close();
});

const range = { from: '2025-07-01T08', to: '2025-07-01T09' };

describe('exportTable encryption', () => {
  it('satisfies Segment\'s bucket policy that denies unencrypted uploads, multipart upload included', async () => {
    const base = destination(env, { name: `enforced-${env.id}`, prefix: 'enforced' });
    // Segment's "Enforcing encryption" statements; MinIO applies them from the user's policy (see docs/export.md, "Encryption").
    const deny: PolicyStatement[] = [
      { Sid: 'DenyIncorrectEncryptionHeader', Effect: 'Deny' as const, Action: 's3:PutObject', Resource: `arn:aws:s3:::${env.bucket}/*`,
        Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'AES256' } } },
      { Sid: 'DenyUnEncryptedObjectUploads', Effect: 'Deny' as const, Action: 's3:PutObject', Resource: `arn:aws:s3:::${env.bucket}/*`,
        Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } } },
    ];
    const user = await createMinioUser('enforce', policyDocument([...accessStatements(base), ...deny]));
    users.push(user);

    // The policy is really enforced: the same user without encryption fails validation, so it cannot export.
    const plain = await env.s3bridge.validateConnection({ connection: { ...base, name: `plain-${env.id}`, encryption: { type: 'none' }, auth: user.auth } });
    expect(plain.checks.find((c) => c.check === 'write-probe')?.detail).toContain('a bucket policy denies uploads without server-side encryption');

    const dest = await activeDestination(env, { ...base, auth: user.auth });
    const report = await env.s3bridge.exportTable({ destination: dest.name, windows: range });
    expect(report, report.windows[0]?.error).toMatchObject({ status: 'exported', totals: { rows: ROWS, files: 1 } });
    const [key] = report.windows[0]!.keys;
    const head = await env.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: key }));
    expect(head.ServerSideEncryption).toBe('AES256');
    // Larger than one 5 MB part, so s3bridge tried a multipart upload; MinIO applies the Deny to UploadPart (which
    // carries no encryption header), so the batch went up again in one PutObject with the header (a plain ETag).
    expect(head.ContentLength).toBeGreaterThan(5 * 1024 * 1024);
    expect(head.ETag).not.toMatch(/-\d+"$/);
    expect((await readMessages(env, key!)).length).toBe(ROWS);
    // The denied multipart upload was aborted (MinIO lists uploads by exact key).
    const open = await env.s3.send(new ListMultipartUploadsCommand({ Bucket: env.bucket, Prefix: key }));
    expect(open.Uploads ?? []).toEqual([]);
  });

  it('writes SSE-KMS with the connection\'s key, and no encryption when asked for none', async () => {
    const kms = await activeDestination(env, destination(env, { name: `kms-${env.id}`, prefix: 'kms', encryption: { type: 'aws:kms', kmsKeyArn: 's3bridge-local' } }));
    const none = await activeDestination(env, destination(env, { name: `none-${env.id}`, prefix: 'none', encryption: { type: 'none' } }));
    for (const dest of [kms, none]) {
      const report = await env.s3bridge.exportTable({ destination: dest.name, windows: range });
      expect(report.totals.rows).toBe(ROWS);
    }
    const [kmsKey] = await bucketKeys(env, env.bucket, 'kms/');
    const kmsHead = await env.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: kmsKey }));
    expect({ sse: kmsHead.ServerSideEncryption, key: kmsHead.SSEKMSKeyId }).toEqual({ sse: 'aws:kms', key: 'arn:aws:kms:s3bridge-local' });
    const [noneKey] = await bucketKeys(env, env.bucket, 'none/');
    const noneHead = await env.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: noneKey }));
    expect(noneHead.ServerSideEncryption).toBeUndefined();
    expect(noneHead.ContentEncoding).toBe('gzip');
    // Without a Deny on UploadPart the same batch goes up as a multipart upload (ETag "<md5>-<parts>").
    expect(noneHead.ETag).toMatch(/-2"$/);
  });
});
