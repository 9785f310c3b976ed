import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import type { Server } from 'node:http';
import { createTestEnv, type TestEnv } from '../support/harness';
import { freePort } from '../support/private-services';
import { putTable } from '../support/objects';
import { decodeHistoryPayloads, findSecrets, historyPayloads } from '../support/history-payloads';
import { codecFromEnv } from '../../src/codec/data-converter';
import { prebuiltWorkflowBundle, writeWorkflowBundle } from '../../src/worker/workflow-bundle';
import { createCodecServer } from '../../src/codec/codec-server';
import { payloadToJSON } from '../../src/codec/payload-json';
import type { AesGcmCodec } from '../../src/codec/aes-gcm-codec';

// Business data that must never show in plain text in Temporal's database: the prefix names it.
const MARKER = 'confidential-zone';
const UI_ORIGIN = 'http://127.0.0.1:8233';
const TOKEN = randomBytes(16).toString('hex');
let env: TestEnv;
let codec: AesGcmCodec;
let server: Server;
let codecUrl: string;
let bundleDir: string;

beforeAll(async () => {
  // One setting turns encryption on, for this file's process: worker, client and harness read it.
  process.env.S3BRIDGE_CODEC_KEY = randomBytes(32).toString('base64');
  process.env.S3BRIDGE_CODEC_KEY_ID = 'test-key-1';
  codec = codecFromEnv()!;
  env = await createTestEnv('codec');
  // The prebuilt bundle the Docker image makes for encryption (scripts/bundle-workflows.ts
  // --encoded-failures), picked as a worker's main would pick it.
  bundleDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-codec-bundle-'));
  await writeWorkflowBundle(path.join(bundleDir, 'encoded.js'), { encodedFailures: true });
  const bundle = prebuiltWorkflowBundle({ ...process.env, S3BRIDGE_WORKFLOW_BUNDLE: '/plain.js', S3BRIDGE_WORKFLOW_BUNDLE_ENCODED: path.join(bundleDir, 'encoded.js') });
  expect(bundle).toBe(path.join(bundleDir, 'encoded.js'));
  await env.startWorker({ workflowBundlePath: bundle });
  await putTable(env.s3, env.bucket, `${MARKER}/events/part-0.parquet`, 'SELECT i AS id FROM range(42) t(i)');
  const port = await freePort();
  server = createCodecServer({ codec, corsOrigins: [UI_ORIGIN], allowedHosts: [`127.0.0.1:${port}`], cliToken: TOKEN, encode: true });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  codecUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server?.close();
  await env?.close();
  rmSync(bundleDir, { recursive: true, force: true });
  delete process.env.S3BRIDGE_CODEC_KEY;
  delete process.env.S3BRIDGE_CODEC_KEY_ID;
});

async function firstExecution(query: string) {
  for await (const execution of env.temporal.workflow.list({ query })) return execution;
  throw new Error(`no workflow matches ${query}`);
}

const post = (endpoint: string, body: unknown, headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }) =>
  fetch(`${codecUrl}${endpoint}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: UI_ORIGIN, ...headers }, body: JSON.stringify(body) });

describe('payload encryption (S3BRIDGE_CODEC_KEY)', () => {
  it('runs a workflow whose raw history holds only encrypted payloads; the client decodes the result', async () => {
    const result = await env.s3bridge.checkSetup({ connection: env.source({ prefix: MARKER }) });
    expect(result).toMatchObject({ prefix: MARKER, sampleRows: 42, sampleKey: `${MARKER}/events/part-0.parquet` });

    const execution = await firstExecution(`WorkflowType = "checkSetup" AND TaskQueue = "${env.taskQueue}"`);
    const history = await env.temporal.workflow.getHandle(execution.workflowId).fetchHistory();
    const payloads = historyPayloads(history);
    expect(payloads.length).toBeGreaterThanOrEqual(5); // workflow input and result, two activities' inputs and results
    // Search attributes (indexed by the server), the run summary and patch markers pass no codec in
    // this SDK: connection, table and kind only, never customer data.
    const encodings = new Set(payloads.filter(({ path }) => !/searchAttributes|userMetadata|patch-data/i.test(path)).map(({ payload }) => Buffer.from(payload.metadata!.encoding!).toString()));
    expect([...encodings]).toEqual(['binary/encrypted']);
    expect(JSON.stringify(history)).not.toContain(MARKER);
    // Without the key the scan sees nothing; with it, every payload decodes and the data is there.
    expect(await findSecrets(history, [MARKER])).toEqual([]);
    expect((await findSecrets(history, [MARKER], [codec])).length).toBeGreaterThanOrEqual(4);
  });

  it('encodes failure messages too: plain "Encoded failure" in history, the real message on the client', async () => {
    const missing = `${MARKER}-not-stored`;
    // Started by hand: the client's own ID for it would carry the connection name (IDs are never encoded).
    const error = await env.temporal.workflow
      .execute('checkSetup', { taskQueue: env.taskQueue, workflowId: `${env.workflowIdPrefix}missing-connection`, args: [{ connection: missing }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const causes: string[] = [];
    for (let cause: unknown = (error as WorkflowFailedError).cause; cause instanceof Error; cause = cause.cause) causes.push(cause.message);
    expect(causes.join(' / ')).toContain(missing);

    const execution = await firstExecution(`WorkflowType = "checkSetup" AND ExecutionStatus = "Failed" AND TaskQueue = "${env.taskQueue}"`);
    const history = await env.temporal.workflow.getHandle(execution.workflowId).fetchHistory();
    const failures = (history.events ?? []).flatMap((e) => [e.activityTaskFailedEventAttributes?.failure, e.workflowExecutionFailedEventAttributes?.failure]).filter((f) => f);
    expect(failures.length).toBe(2); // the activity's failure and the workflow's
    for (const failure of failures) {
      expect(failure!.message).toBe('Encoded failure');
      expect(Buffer.from(failure!.encodedAttributes!.metadata!.encoding!).toString()).toBe('binary/encrypted');
    }
    expect(JSON.stringify(history)).not.toContain(MARKER);
    const decoded = await decodeHistoryPayloads(history, [codec]);
    const messages = decoded.filter((d) => d.path.includes('encodedAttributes')).map((d) => (JSON.parse(d.text) as { message: string }).message);
    // The activity's failure (twice: its own event and the workflow's cause) and the workflow's wrapper.
    expect(messages.filter((m) => m.includes(missing))).toHaveLength(2);
    expect(messages).toContain('Activity task failed');
  });

  it('serves the Temporal UI: /decode and /encode with the bearer token, CORS for the UI origin only', async () => {
    const execution = await firstExecution(`WorkflowType = "checkSetup" AND ExecutionStatus = "Completed" AND TaskQueue = "${env.taskQueue}"`);
    const history = await env.temporal.workflow.getHandle(execution.workflowId).fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const decoded = await post('/decode', { payloads: input.map(payloadToJSON) });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const { payloads } = await decoded.json() as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString())).toMatchObject({ connection: { prefix: MARKER, bucket: env.bucket } });

    // Round trip through /encode, mounted anywhere (only the last path segment counts).
    const encoded = await post('/api/codec/encode', { payloads });
    const reencrypted = (await encoded.json() as { payloads: { metadata: Record<string, string> }[] }).payloads;
    expect(Buffer.from(reencrypted[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(reencrypted[0]!.metadata['encryption-key-id']!, 'base64').toString()).toBe('test-key-1');

    expect((await post('/decode', { payloads: [] }, { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post('/decode', { payloads: [] }, {})).status).toBe(401);
    const preflight = await fetch(`${codecUrl}/decode`, { method: 'OPTIONS', headers: { Origin: UI_ORIGIN, 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Namespace');
    const otherOrigin = await fetch(`${codecUrl}/decode`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example' } });
    expect(otherOrigin.headers.get('access-control-allow-origin')).toBeNull();
    const badJson = await post('/decode', 'not json');
    expect(badJson.status).toBe(400);
  });

  it('refuses a payload encrypted with a key it does not hold, naming the key ID', async () => {
    const [other] = await codecFromEnv({ S3BRIDGE_CODEC_KEY: randomBytes(32).toString('base64'), S3BRIDGE_CODEC_KEY_ID: 'old-key' })!
      .encode([{ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('{}') }]);
    const response = await post('/decode', { payloads: [payloadToJSON(other!)] });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: 'payload encrypted with key "old-key", which this process does not hold (set it as S3BRIDGE_CODEC_KEY_ID or in S3BRIDGE_CODEC_OLD_KEYS)' });
  });

  it('after a key rotation, decodes payloads of the old key kept in S3BRIDGE_CODEC_OLD_KEYS and encrypts with the new one', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const before = codecFromEnv({ S3BRIDGE_CODEC_KEY: oldKey, S3BRIDGE_CODEC_KEY_ID: 'k1' })!;
    const after = codecFromEnv({ S3BRIDGE_CODEC_KEY: randomBytes(32).toString('base64'), S3BRIDGE_CODEC_KEY_ID: 'k2', S3BRIDGE_CODEC_OLD_KEYS: `k1=${oldKey}` })!;
    const plain = { metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(`{"prefix":"${MARKER}"}`) };
    const [old] = await before.encode([plain]);
    const [decoded] = await after.decode([old!]);
    expect(Buffer.from(decoded!.data!).toString()).toBe(`{"prefix":"${MARKER}"}`);
    const [fresh] = await after.encode([plain]);
    expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe('k2');
    expect(() => codecFromEnv({ S3BRIDGE_CODEC_KEY: 'c2hvcnQ=' })).toThrow('payload codec key "s3bridge" must be 32 bytes (AES-256), got 5');
  });
});
