import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { historyText } from '../support/history-text';
import { startRecordingListener, type RecordingListener } from '../support/recording-listener';
import { putTable } from '../support/objects';
import type { SourceConnection } from '../../src/workflow-safe/connection';
import { parseSecretEnvAllow } from '../../src/secrets/secret-policy';
import type { CheckRow, ValidationReport } from '../../src/workflow-safe/validation/validation-report';

/**
 * Secret references from an inline connection (anyone who can start a workflow) reach only the
 * secrets the worker's settings allow, and nothing is sent to a host they may not go to.
 */
let env: TestEnv;
let listener: RecordingListener;
let secretsDir: string;
let outsideDir: string;
const PLANTED = 'planted-worker-secret-7f3a9c';
const ALLOWED = 'allowed-session-token-51d2';
const LOCAL_PASSWORD = () => process.env.MINIO_ROOT_PASSWORD!;
const DEFAULT_ALLOW = 'S3BRIDGE_SECRET_*,MINIO_ROOT_USER@http://127.0.0.1:9000,MINIO_ROOT_PASSWORD@http://127.0.0.1:9000';

beforeAll(async () => {
  env = await createTestEnv('secret-refs');
  listener = await startRecordingListener();
  secretsDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-secrets-'));
  outsideDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-outside-'));
  writeFileSync(path.join(secretsDir, 'minio-user'), `${process.env.MINIO_ROOT_USER!}\n`);
  writeFileSync(path.join(secretsDir, 'minio-password'), `${LOCAL_PASSWORD()}\n`);
  writeFileSync(path.join(secretsDir, 'huge'), 'x'.repeat(64 * 1024 + 1));
  mkdirSync(path.join(secretsDir, 'a-folder'));
  writeFileSync(path.join(outsideDir, 'token'), PLANTED);
  symlinkSync(path.join(outsideDir, 'token'), path.join(secretsDir, 'link-out'));
  process.env.HOSTILE_PLANTED_TOKEN = PLANTED;
  process.env.S3BRIDGE_SECRET_HOSTILE_KEY = 'hostile-key-id';
  process.env.S3BRIDGE_SECRET_HOSTILE_TOKEN = ALLOWED;
  // The worker shares this settings object: file: references resolve inside secretsDir only.
  env.settings.secretsDir = secretsDir;
  // The stand-in for a foreign host is reachable: what stops the secrets is the reference policy.
  env.settings.endpointAllow.push(new URL(listener.endpoint).host);
  await env.startWorker();
  await putTable(env.s3, env.bucket, 'schema/events/part-0.parquet', 'SELECT i AS id FROM range(3) t(i)');
});
afterAll(async () => {
  await listener?.close();
  await env?.close();
  rmSync(secretsDir, { recursive: true, force: true });
  rmSync(outsideDir, { recursive: true, force: true });
});

const row = (report: ValidationReport, check: string) => report.checks.find((r) => r.check === check) as CheckRow;
let n = 0;
function source(overrides: Partial<SourceConnection>): SourceConnection {
  n += 1;
  return env.source({ name: `${env.id}-${n}`, prefix: 'schema', ...overrides });
}
const foreign = (sessionToken: string) => source({
  endpoint: listener.endpoint,
  auth: { type: 'static-keys', accessKeyId: 'env:S3BRIDGE_SECRET_HOSTILE_KEY', secretAccessKey: 'env:S3BRIDGE_SECRET_HOSTILE_KEY', sessionToken },
});
const withFiles = (accessKeyId: string, secretAccessKey = 'file:minio-password') => source({ auth: { type: 'static-keys', accessKeyId, secretAccessKey } });

/** Validates inline and returns the credentials row; the check must fail before anything is sent. */
async function credentialsRow(connection: SourceConnection): Promise<CheckRow> {
  const before = listener.requests.length;
  const report = await env.s3bridge.validateConnection({ connection });
  expect(report.status).toBe('failed');
  expect(listener.requests.length).toBe(before);
  return row(report, 'credentials');
}

describe('env: references', () => {
  it('an inline connection to a foreign host cannot send the local MinIO root password; nothing reaches the host or history', async () => {
    const connection = foreign('env:MINIO_ROOT_PASSWORD');
    const failed = await credentialsRow(connection);
    expect(failed.detail).toBe(
      `secret reference env:MINIO_ROOT_PASSWORD is allowed only for connections to http://127.0.0.1:9000, not to ${listener.endpoint}; ` +
      `to use it with this endpoint, add "MINIO_ROOT_PASSWORD@${listener.endpoint}" to S3BRIDGE_SECRET_ENV_ALLOW (now "${DEFAULT_ALLOW}") on the worker`,
    );
    expect(failed.fix).toBe('reference a secret the worker\'s settings allow, or change the setting named in the detail');
    expect(listener.received()).not.toContain(LOCAL_PASSWORD());
    const history = await historyText(env.temporal, [env.s3bridge.validationWorkflowId(connection.name)]);
    expect(history).toContain('env:MINIO_ROOT_PASSWORD');
    expect(history).not.toContain(LOCAL_PASSWORD());
  });

  it('a worker variable outside the allowlist is never resolved', async () => {
    const failed = await credentialsRow(foreign('env:HOSTILE_PLANTED_TOKEN'));
    expect(failed.detail).toBe(
      `secret reference env:HOSTILE_PLANTED_TOKEN is not allowed: the worker resolves env: references only to variables in S3BRIDGE_SECRET_ENV_ALLOW (now "${DEFAULT_ALLOW}"); ` +
      'name the variable S3BRIDGE_SECRET_..., or add it to S3BRIDGE_SECRET_ENV_ALLOW on the worker',
    );
    expect(listener.received()).not.toContain(PLANTED);
  });

  it('an S3BRIDGE_SECRET_ variable is allowed and sent to the endpoint it is used with (the listener records it)', async () => {
    // The control for the cases above: this listener does record what a connection sends it.
    const report = await env.s3bridge.validateConnection({ connection: foreign('env:S3BRIDGE_SECRET_HOSTILE_TOKEN') });
    expect(report.status).toBe('failed');
    expect(listener.requests.at(-1)?.headers['x-amz-security-token']).toBe(ALLOWED);
  });

  it('S3BRIDGE_SECRET_ENV_ALLOW admits a variable for the one endpoint it names', async () => {
    const defaults = env.settings.secretEnvAllow;
    env.settings.secretEnvAllow = parseSecretEnvAllow(`S3BRIDGE_SECRET_*,HOSTILE_PLANTED_TOKEN@${listener.endpoint}/`);
    try {
      await env.s3bridge.validateConnection({ connection: foreign('env:HOSTILE_PLANTED_TOKEN') });
      expect(listener.requests.at(-1)?.headers['x-amz-security-token']).toBe(PLANTED);
      // Bound to that endpoint: the same reference with the local MinIO is refused.
      const local = source({ auth: { type: 'static-keys', accessKeyId: 'env:HOSTILE_PLANTED_TOKEN', secretAccessKey: 'env:HOSTILE_PLANTED_TOKEN' } });
      expect((await credentialsRow(local)).detail).toMatch(/^secret reference env:HOSTILE_PLANTED_TOKEN is allowed only for connections to http:\/\/127\.0\.0\.1:\d+, not to http:\/\/127\.0\.0\.1:9000; /);
    } finally {
      env.settings.secretEnvAllow = defaults;
    }
  });

  it('the local MinIO root credentials still work for the local MinIO', async () => {
    const report = await env.s3bridge.validateConnection({ connection: source({}) });
    expect(report.status).toBe('active');
  });
});

describe('file: references', () => {
  it('resolve inside S3BRIDGE_SECRETS_DIR, relative or absolute (the connection reaches Active)', async () => {
    const report = await env.s3bridge.validateConnection({ connection: withFiles('file:minio-user', `file:${path.join(secretsDir, 'minio-password')}`) });
    expect(report.status).toBe('active');
  });

  it('a file outside the folder is refused, as is a path that climbs out of it', async () => {
    const outside = path.join(outsideDir, 'token');
    expect((await credentialsRow(withFiles(`file:${outside}`))).detail).toBe(
      `secret reference file:${outside} is not allowed: it is outside S3BRIDGE_SECRETS_DIR (${secretsDir}), symbolic links followed; ` +
      'put the file in that folder, or change S3BRIDGE_SECRETS_DIR on the worker',
    );
    const climbing = `file:../${path.basename(outsideDir)}/token`;
    expect((await credentialsRow(withFiles(climbing))).detail).toBe(
      `secret reference ${climbing} is not allowed: it is outside S3BRIDGE_SECRETS_DIR (${secretsDir}), symbolic links followed; ` +
      'put the file in that folder, or change S3BRIDGE_SECRETS_DIR on the worker',
    );
  });

  it('a symbolic link in the folder that points outside it is refused (realpath)', async () => {
    const failed = await credentialsRow(withFiles('file:link-out'));
    expect(failed.detail).toBe(
      `secret reference file:link-out is not allowed: it is outside S3BRIDGE_SECRETS_DIR (${secretsDir}), symbolic links followed; ` +
      'put the file in that folder, or change S3BRIDGE_SECRETS_DIR on the worker',
    );
    expect(failed.detail).not.toContain(PLANTED);
  });

  it('only regular files of at most 64 KiB are read', async () => {
    expect((await credentialsRow(withFiles('file:a-folder'))).detail).toBe('secret reference file:a-folder is not allowed: it is not a regular file');
    expect((await credentialsRow(withFiles('file:huge'))).detail)
      .toBe('secret reference file:huge is not allowed: the file has 65537 bytes, more than a secret (at most 65536)');
  });
});

describe('endpoints', () => {
  it.each([
    ['http://169.254.169.254', '169.254.169.254 is a link-local or metadata address', '169.254.169.254:80'],
    // The URL parser normalises other spellings of the same address before the check.
    ['http://2852039166', '169.254.169.254 is a link-local or metadata address', '169.254.169.254:80'],
    ['http://[fd00:ec2::254]', 'fd00:ec2::254 is a link-local or metadata address', '[fd00:ec2::254]:80'],
    ['http://[fe80::1]:9000', 'fe80::1 is a link-local or metadata address', '[fe80::1]:9000'],
    ['http://[::ffff:169.254.170.2]', '::ffff:a9fe:aa02 is a link-local or metadata address', '[::ffff:a9fe:aa02]:80'],
    ['http://metadata.google.internal', 'metadata.google.internal is a cloud metadata service', 'metadata.google.internal:80'],
  ])('%s is refused before any secret is resolved', async (endpoint, why, entry) => {
    const failed = await credentialsRow(source({ endpoint, auth: { type: 'static-keys', accessKeyId: 'env:MINIO_ROOT_USER', secretAccessKey: 'env:MINIO_ROOT_PASSWORD' } }));
    expect(failed.detail).toBe(
      `endpoint ${endpoint} is refused: ${why}, where a request can read the worker's own cloud credentials; ` +
      `if this really is your S3 endpoint, add "${entry}" to S3BRIDGE_ENDPOINT_ALLOW on the worker`,
    );
    expect(failed.fix).toBe('point the connection\'s endpoint at the S3 service, or allow the address with the setting named in the detail');
  });

  it('the worker\'s own default credential chain is not even asked for a metadata endpoint', async () => {
    const failed = await credentialsRow(source({ endpoint: 'http://169.254.170.2', auth: { type: 'default-chain' } }));
    expect(failed.detail).toMatch(/^endpoint http:\/\/169\.254\.170\.2 is refused: 169\.254\.170\.2 is a link-local or metadata address, /);
  });
});
