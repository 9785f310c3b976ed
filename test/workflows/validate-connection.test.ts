import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { decodeRetryState } from '@temporalio/common';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, putTable } from '../support/objects';
import { createMinioUser, type MinioUser } from '../support/minio-admin';
import { findSecrets } from '../support/history-payloads';
import { Connection, type DestinationConnection, type SourceConnection } from '../../src/workflow-safe/connection';
import { accessStatements } from '../../src/workflow-safe/policies/connection-policies';
import { policyDocument } from '../../src/workflow-safe/policies/policy-document';
import type { CheckRow, ValidationReport } from '../../src/workflow-safe/validation/validation-report';
import { findConnectionStatus } from '../../src/catalog/connection-status-store';
import { saveConnection } from '../../src/catalog/connection-store';

let env: TestEnv;
const users: MinioUser[] = [];

beforeAll(async () => {
  env = await createTestEnv('validate');
  await env.startWorker();
  await putTable(env.s3, env.bucket, 'schema/events/day=2025-01-01/part-0.parquet', "SELECT i AS id, 'view' AS event FROM range(10) t(i)");
  await putTable(env.s3, env.bucket, 'schema/users/part-0.parquet', 'SELECT i AS id FROM range(5) t(i)');
  await putObject(env.s3, env.bucket, 'schema/events/_SUCCESS', '');
  await putTable(env.s3, env.bucket, 'flat/part-0.csv', 'SELECT 1 AS id', 'csv');
  await putObject(env.s3, env.bucket, 'corrupt/events/part-0.parquet', 'not parquet at all');
  await putTable(env.s3, env.bucket, 'pq/events/part-0.pq', 'SELECT 1 AS id');
  await putObject(env.s3, env.bucket, 'tsv/events/part-0.tsv', 'id\tlabel\n1\ta,b\n');
});
afterAll(async () => {
  for (const user of users) await user.remove();
  await env?.close();
});

function source(name: string, overrides: Partial<SourceConnection> = {}): SourceConnection {
  return env.source({ name: `${env.id}-${name}`, prefix: 'schema', ...overrides });
}

function destination(name: string, overrides: Partial<DestinationConnection> = {}): DestinationConnection {
  const { direction: _direction, format: _format, partitioning: _partitioning, ...base } = env.source({ name: `${env.id}-${name}`, prefix: 'exports' });
  return { ...base, direction: 'destination', encryption: { type: 'AES256' }, ...overrides };
}

/** A MinIO user holding the generated least-privilege policy, minus `without` actions. */
async function userWithPolicy(label: string, connection: Connection, without: string[] = []): Promise<MinioUser> {
  const statements = accessStatements(connection)
    .map((s) => ({ ...s, Action: (Array.isArray(s.Action) ? s.Action : [s.Action]).filter((a) => !without.includes(a)) }))
    .filter((s) => s.Action.length > 0);
  const user = await createMinioUser(label, policyDocument(statements));
  users.push(user);
  return user;
}

const statusOf = (report: ValidationReport) => report.checks.map((c) => `${c.check}:${c.status}`);
const row = (report: ValidationReport, check: string): CheckRow => report.checks.find((c) => c.check === check)!;

describe('validateConnection', () => {
  it('moves a valid source from Processing to Active, readable by query while running and from the catalog after', async () => {
    const connection = source('good-source');
    const handle = await env.s3bridge.startValidateConnection({ connection });
    const during = await env.s3bridge.queryConnectionValidation(connection.name);
    expect(during.connection).toBe(connection.name);
    expect(['processing', 'active']).toContain(during.status);
    const report = await handle.result();
    expect(statusOf(report)).toEqual(['credentials:ok', 'bucket:ok', 'list-prefix:ok', 'source-layout:ok', 'sample-read:ok']);
    expect(report.status).toBe('active');
    expect(row(report, 'source-layout').detail).toBe('2 table folders (events, users); sample file schema/events/day=2025-01-01/part-0.parquet');
    expect(row(report, 'sample-read').detail).toBe(`DuckDB read s3://${env.bucket}/schema/events/day=2025-01-01/part-0.parquet as parquet: 2 columns`);
    const stored = await env.withWarehouse((db) => findConnectionStatus(db, connection.name));
    expect(stored).toMatchObject({ status: 'active', reason: undefined, report: { status: 'active', finishedAt: report.finishedAt } });
    expect((await env.s3bridge.queryConnectionValidation(connection.name)).status).toBe('active');
  });

  it('validates a stored connection by name with a user holding exactly the generated source policy', async () => {
    const connection = source('least-privilege');
    const user = await userWithPolicy('src', connection);
    const stored = Connection.parse({ ...connection, auth: user.auth });
    await env.withWarehouse((db) => saveConnection(db, stored));
    const report = await env.s3bridge.validateConnection({ connection: stored.name });
    expect(report.status).toBe('active');
  });

  it('fails a source whose user lacks s3:GetObject, naming the action and the statement to add', async () => {
    const connection = source('no-get');
    const user = await userWithPolicy('noget', connection, ['s3:GetObject']);
    const report = await env.s3bridge.validateConnection({ connection: { ...connection, auth: user.auth } });
    expect(report.status).toBe('failed');
    expect(statusOf(report)).toEqual(['credentials:ok', 'bucket:ok', 'list-prefix:ok', 'source-layout:ok', 'sample-read:failed']);
    const failed = row(report, 'sample-read');
    expect(failed.missingAction).toBe('s3:GetObject');
    expect(failed.detail).toBe(`AccessDenied (HTTP 403) on s3://${env.bucket}/schema/events/day=2025-01-01/part-0.parquet`);
    expect(failed.fix).toBe(
      'grant s3:GetObject: add this statement to the policy of the role or user s3bridge uses (`s3bridge policy` prints the whole policy): ' +
        `{"Sid":"ReadObjects","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::${env.bucket}/schema/*"}`,
    );
    expect(report.reason).toBe(`sample-read: AccessDenied (HTTP 403) on s3://${env.bucket}/schema/events/day=2025-01-01/part-0.parquet (missing s3:GetObject)`);
  });

  it('moves a valid destination to Active with a user holding exactly the generated destination policy', async () => {
    const connection = destination('good-destination');
    const user = await userWithPolicy('dst', connection);
    const report = await env.s3bridge.validateConnection({ connection: { ...connection, auth: user.auth } });
    expect(statusOf(report)).toEqual(['credentials:ok', 'bucket:ok', 'list-prefix:ok', 'write-probe:ok', 'multipart-upload:ok', 'encryption:ok']);
    expect(row(report, 'encryption').detail).toBe('stored with AES256; the bucket also accepts unencrypted uploads');
  });

  it('fails a destination whose user lacks s3:PutObject, naming the action and the statement to add', async () => {
    const connection = destination('no-put');
    const user = await userWithPolicy('noput', connection, ['s3:PutObject']);
    const report = await env.s3bridge.validateConnection({ connection: { ...connection, auth: user.auth } });
    expect(statusOf(report)).toEqual(['credentials:ok', 'bucket:ok', 'list-prefix:ok', 'write-probe:failed', 'multipart-upload:failed', 'encryption:skipped']);
    const failed = row(report, 'write-probe');
    expect(failed.missingAction).toBe('s3:PutObject');
    expect(failed.fix).toBe(
      'grant s3:PutObject: add this statement to the policy of the role or user s3bridge uses (`s3bridge policy` prints the whole policy): ' +
        `{"Sid":"WriteObjects","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::${env.bucket}/exports/*"}`,
    );
    expect(row(report, 'multipart-upload').missingAction).toBe('s3:PutObject');
    expect(row(report, 'encryption').detail).toBe('skipped: the write-probe check did not pass');
  });

  it('diagnoses a policy that denies unencrypted uploads when the destination asks for none', async () => {
    const connection = destination('deny-plain', { encryption: { type: 'none' } });
    const denyUnencrypted = {
      Sid: 'DenyUnEncryptedObjectUploads', Effect: 'Deny' as const, Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${env.bucket}/*`, Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
    };
    const user = await createMinioUser('denyplain', policyDocument([...accessStatements(connection), denyUnencrypted]));
    users.push(user);
    const report = await env.s3bridge.validateConnection({ connection: { ...connection, auth: user.auth } });
    const failed = row(report, 'write-probe');
    expect(failed.status).toBe('failed');
    expect(failed.detail).toBe(
      `AccessDenied (HTTP 403) on PutObject s3://${env.bucket}/exports/.s3bridge-probe/${failed.tried.match(/probe\/(\S+)-write/)![1]}-write; ` +
        'the same PutObject with AES256 (SSE-S3) was accepted: a bucket policy denies uploads without server-side encryption',
    );
    expect(failed.fix).toBe('set the connection\'s encryption to {"type":"AES256"} (what the bucket policy requires), or remove the bucket policy\'s Deny statement on s3:x-amz-server-side-encryption');
    expect(failed.missingAction).toBeUndefined();
  });

  it('writes with SSE-KMS when the destination asks for it', async () => {
    const report = await env.s3bridge.validateConnection({
      connection: destination('kms', { encryption: { type: 'aws:kms', kmsKeyArn: 's3bridge-local' } }),
    });
    expect(report.status).toBe('active');
    expect(row(report, 'encryption').detail).toBe('stored with aws:kms with key arn:aws:kms:s3bridge-local; the bucket also accepts unencrypted uploads');
  });

  it('assumes a role with the external ID from a user\'s base credentials', async () => {
    const connection = source('assumed');
    const user = await userWithPolicy('assume', connection);
    const report = await env.s3bridge.validateConnection({
      connection: {
        ...connection,
        auth: { type: 'assume-role', roleArn: 'arn:aws:iam::123456789012:role/s3bridge-reader', externalId: 'acme-workspace-0042', baseCredentials: user.auth, sessionName: 's3bridge' },
      },
    });
    expect(report.status).toBe('active');
    expect(row(report, 'credentials').detail).toBe('role assumed; S3 accepted the temporary credentials');
  });

  it('gives the real region when the connection names another', async () => {
    const report = await env.s3bridge.validateConnection({ connection: source('wrong-region', { region: 'eu-west-1' }) });
    expect(statusOf(report)).toEqual(['credentials:ok', 'bucket:failed', 'list-prefix:skipped', 'source-layout:skipped', 'sample-read:skipped']);
    expect(row(report, 'bucket')).toMatchObject({ detail: 'the bucket is in us-east-1, the connection says eu-west-1', fix: 'set region to "us-east-1"' });
  });

  it('says when the bucket does not exist', async () => {
    const report = await env.s3bridge.validateConnection({ connection: source('no-bucket', { bucket: `${env.bucket}-missing` }) });
    expect(row(report, 'bucket')).toMatchObject({
      status: 'failed',
      detail: `NoSuchBucket (HTTP 404) on bucket ${env.bucket}-missing`,
      fix: `no bucket named "${env.bucket}-missing" exists at http://127.0.0.1:9000: check the spelling (bucket names are lowercase)`,
    });
  });

  it('says which prefix does not exist and suggests the folder meant', async () => {
    const report = await env.s3bridge.validateConnection({ connection: source('bad-prefix', { prefix: 'Schema' }) });
    expect(row(report, 'list-prefix')).toMatchObject({
      status: 'failed',
      detail: `nothing under s3://${env.bucket}/Schema/`,
      fix: 'the prefix "Schema" does not exist (nothing is stored under it): check its spelling and case; did you mean "schema"?',
    });
  });

  it('says when the prefix holds files instead of table folders', async () => {
    const report = await env.s3bridge.validateConnection({ connection: source('flat', { prefix: 'flat' }) });
    expect(row(report, 'source-layout')).toMatchObject({
      status: 'failed',
      detail: `1 files directly under s3://${env.bucket}/flat/ and no table folders`,
      fix: 'every folder under the prefix is a table: set prefix to "" (the bucket root) so that "flat" is read as a table, or move the files into "flat/<table>/"',
    });
  });

  it('says when the prefix points inside a table, at its partitions', async () => {
    const report = await env.s3bridge.validateConnection({ connection: source('inside-table', { prefix: 'schema/events' }) });
    expect(row(report, 'source-layout')).toMatchObject({
      status: 'failed',
      detail: `the folders under s3://${env.bucket}/schema/events/ are partitions (day=2025-01-01), not tables`,
      fix: 'the prefix points inside a table: set prefix to "schema" so that "events" is read as a table',
    });
  });

  it('reads .pq as Parquet and .tsv with tabs, as discovery and import do', async () => {
    const pq = await env.s3bridge.validateConnection({ connection: source('pq', { prefix: 'pq', format: 'parquet' }) });
    expect(row(pq, 'sample-read').detail).toBe(`DuckDB read s3://${env.bucket}/pq/events/part-0.pq as parquet: 1 columns`);
    const tsv = await env.s3bridge.validateConnection({ connection: source('tsv', { prefix: 'tsv' }) });
    expect(row(tsv, 'sample-read').detail).toBe(`DuckDB read s3://${env.bucket}/tsv/events/part-0.tsv as tsv: 2 columns`);
  });

  it('says when the configured format does not match the files', async () => {
    const report = await env.s3bridge.validateConnection({ connection: source('wrong-format', { prefix: '', format: 'ndjson.gz' }) });
    expect(row(report, 'source-layout')).toMatchObject({
      status: 'failed',
      detail: 'format is "ndjson.gz" but the files in corrupt, flat, pq, schema, tsv end in .parquet, .csv, .pq, .tsv',
      fix: 'set format to the files\' format (parquet, csv, csv.gz, tsv, tsv.gz, ndjson, ndjson.gz) or "auto"',
    });
  });

  it('says when DuckDB cannot read the sample file', async () => {
    const report = await env.s3bridge.validateConnection({ connection: source('corrupt', { prefix: 'corrupt', format: 'parquet' }) });
    const failed = row(report, 'sample-read');
    expect(failed.status).toBe('failed');
    expect(failed.detail).toMatch(new RegExp(`^DuckDB cannot read s3://${env.bucket}/corrupt/events/part-0\\.parquet: parquet: .*`));
    expect(failed.fix).toBe('check that the connection\'s format ("parquet") matches the files, and replace corrupt/events/part-0.parquet if it is corrupt');
  });

  it('says when the role cannot be assumed', async () => {
    const report = await env.s3bridge.validateConnection({
      connection: source('bad-base', {
        auth: {
          type: 'assume-role', roleArn: 'arn:aws:iam::123456789012:role/s3bridge-reader', externalId: 'acme-workspace-0042', sessionName: 's3bridge',
          baseCredentials: { type: 'static-keys', accessKeyId: 'env:MINIO_ROOT_USER', secretAccessKey: 'env:MINIO_ROOT_USER' },
        },
      }),
    });
    expect(row(report, 'credentials')).toMatchObject({
      status: 'failed',
      // MinIO's STS answers AccessDenied for a wrong secret, as AWS STS does for a refused trust policy.
      detail: 'AssumeRole was refused: AccessDenied (HTTP 403)',
      fix: 'the role\'s trust policy must let the worker\'s identity assume arn:aws:iam::123456789012:role/s3bridge-reader with external ID "acme-workspace-0042" (and the base credentials must be valid): ' +
        '{"Sid":"AllowS3bridgeToAssumeRole","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::<S3BRIDGE_ACCOUNT_ID>:role/<S3BRIDGE_WORKER_ROLE>"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"acme-workspace-0042"}}}',
    });
  });

  it('says when the KMS key does not exist', async () => {
    const report = await env.s3bridge.validateConnection({
      connection: destination('no-key', { encryption: { type: 'aws:kms', kmsKeyArn: 'no-such-key' } }),
    });
    expect(row(report, 'write-probe')).toMatchObject({
      status: 'failed',
      detail: 'KMS refused key no-such-key: kms:KeyNotFound (HTTP 404): key with given key ID does not exist',
      fix: 'check kmsKeyArn (the key must exist in us-east-1 and be enabled) and let s3bridge use it: add to the key policy ' +
        '{"Sid":"AllowS3bridgeToUseKey","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::<ACCOUNT_ID>:role/<ROLE_NAME>"},"Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"*"}',
    });
  });

  it('rejects an s3:// URI pasted as the bucket before anything runs, naming what to enter', async () => {
    const bad = { ...source('uri'), bucket: `s3://${env.bucket}/schema/` };
    const error = await env.temporal.workflow
      .execute('validateConnection', { taskQueue: env.taskQueue, workflowId: `${env.workflowIdPrefix}uri`, args: [{ connection: bad }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause?.message).toBe(
      `Invalid input for validateConnection:\nconnection.bucket: enter the bucket name only, without "s3://": bucket "${env.bucket}" and prefix "schema"`,
    );
  });

  it('reports an unset secret reference by name without retrying', async () => {
    const report = await env.s3bridge.validateConnection({
      connection: source('unset-secret', { auth: { type: 'static-keys', accessKeyId: 'env:MINIO_ROOT_USER', secretAccessKey: 'env:S3BRIDGE_SECRET_TEST_UNSET' } }),
    });
    expect(row(report, 'credentials')).toMatchObject({
      status: 'failed',
      detail: 'secret reference env:S3BRIDGE_SECRET_TEST_UNSET: environment variable S3BRIDGE_SECRET_TEST_UNSET is not set on the worker',
    });
  });

  it('retries transient errors (an unreachable endpoint) and fails the check only when retries run out', async () => {
    // The local MinIO's root credentials are allowed for its own endpoint only: this one uses S3BRIDGE_SECRET_ variables.
    process.env.S3BRIDGE_SECRET_UNREACHABLE_KEY = 'unreachable-key';
    // A closed port on loopback, which the worker's egress gate must be told it may reach.
    env.settings.endpointAllow.push('127.0.0.1:9');
    const auth = { type: 'static-keys' as const, accessKeyId: 'env:S3BRIDGE_SECRET_UNREACHABLE_KEY', secretAccessKey: 'env:S3BRIDGE_SECRET_UNREACHABLE_KEY' };
    const report = await env.s3bridge.validateConnection({ connection: source('unreachable', { endpoint: 'http://127.0.0.1:9', auth }) });
    expect(statusOf(report)).toEqual(['credentials:failed', 'bucket:skipped', 'list-prefix:skipped', 'source-layout:skipped', 'sample-read:skipped']);
    expect(row(report, 'credentials').detail).toMatch(/^gave up after retries: .*ECONNREFUSED/);
    const history = await env.temporal.workflow.getHandle(env.s3bridge.validationWorkflowId(report.connection)).fetchHistory();
    const failed = history.events?.find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes;
    // shortCall allows 5 attempts: Temporal retried the transient failure until they ran out.
    expect(decodeRetryState(failed?.retryState)).toBe('MAXIMUM_ATTEMPTS_REACHED');
  });

  it('re-validates on a Temporal Schedule', async () => {
    const connection = source('scheduled');
    await env.withWarehouse((db) => saveConnection(db, connection));
    const scheduleId = await env.s3bridge.scheduleConnectionValidation({ connection: connection.name, every: '1d' });
    const schedule = env.temporal.schedule.getHandle(scheduleId);
    try {
      await schedule.trigger();
      const deadline = Date.now() + 60_000;
      let status = await env.withWarehouse((db) => findConnectionStatus(db, connection.name));
      while (status?.status !== 'active' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        status = await env.withWarehouse((db) => findConnectionStatus(db, connection.name));
      }
      expect(status?.status).toBe('active');
      expect(status?.workflowId.startsWith(`${env.workflowIdPrefix}validate-connection-${connection.name}`)).toBe(true);
    } finally {
      await schedule.delete();
    }
  });

  it('leaves no secret value in any history these tests produced, and replays each deterministically', async () => {
    const secrets = [process.env.MINIO_ROOT_PASSWORD!, ...users.map((u) => u.secretKey)];
    expect(users.length).toBeGreaterThanOrEqual(5);
    const histories = [];
    for await (const execution of env.temporal.workflow.list({ query: `TaskQueue = "${env.taskQueue}"` })) {
      const history = await env.temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      // Payloads decoded (inputs, results, heartbeats, failures, memos), not just the JSON where they are base64.
      expect(await findSecrets(history, secrets), execution.workflowId).toEqual([]);
      histories.push({ workflowId: execution.workflowId, history });
    }
    expect(histories.length).toBeGreaterThanOrEqual(18);
    // Throws DeterminismViolationError if the workflow code no longer matches a history.
    for await (const result of Worker.runReplayHistories({ workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') } }, histories)) {
      expect(result.error, result.workflowId).toBeUndefined();
    }
  });
});
