import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import type { Client } from '@temporalio/client';


/** What a history says once decoded: every payload's value as text, with where it sits. */
export interface DecodedPayload {
  path: string;
  encoding: string;
  text: string;
}

function isPayload(value: unknown): value is Payload {
  if (typeof value !== 'object' || value === null) return false;
  const metadata = (value as Payload).metadata;
  return typeof metadata === 'object' && metadata !== null && metadata[METADATA_ENCODING_KEY] instanceof Uint8Array;
}

/**
 * Every Payload in a history, wherever it sits: workflow and activity inputs and results,
 * signal and query arguments, heartbeat details, memos, search attributes, headers, and
 * failures (details and `encodedAttributes`, at any depth of `cause`).
 */
export function historyPayloads(history: unknown): { path: string; payload: Payload }[] {
  const found: { path: string; payload: Payload }[] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return;
    if (isPayload(value)) {
      found.push({ path, payload: value });
      return;
    }
    for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
  };
  walk(history, 'history');
  return found;
}

/**
 * Decodes every payload of a history: the codecs first (last one first, as Temporal does),
 * then the default payload converter. Binary payloads read as UTF-8, so a secret in bytes shows too.
 */
export async function decodeHistoryPayloads(history: unknown, codecs: PayloadCodec[] = []): Promise<DecodedPayload[]> {
  const decoded: DecodedPayload[] = [];
  for (const { path, payload } of historyPayloads(history)) {
    let plain: Payload = payload;
    for (const codec of [...codecs].reverse()) plain = (await codec.decode([plain]))[0]!;
    const encoding = Buffer.from(plain.metadata![METADATA_ENCODING_KEY]!).toString();
    let value: unknown;
    try {
      value = defaultPayloadConverter.fromPayload(plain);
    } catch {
      // An encoding no converter knows (say, encrypted without the key): its raw bytes are all there is.
      value = Buffer.from(plain.data ?? new Uint8Array()).toString('utf8');
    }
    const text = value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : typeof value === 'string' ? value : JSON.stringify(value) ?? '';
    decoded.push({ path, encoding, text });
  }
  return decoded;
}

/** Where a secret shows in a history: in its plain fields, or inside any decoded payload. */
export async function findSecrets(history: unknown, secrets: string[], codecs: PayloadCodec[] = []): Promise<string[]> {
  const live = secrets.filter((s) => s.length >= 8);
  const hits: string[] = [];
  const plain = JSON.stringify(history);
  for (const secret of live) if (plain.includes(secret)) hits.push(`a plain field holds a secret (${secret.slice(0, 3)}...)`);
  for (const { path, text } of await decodeHistoryPayloads(history, codecs)) {
    for (const secret of live) if (text.includes(secret)) hits.push(`${path} holds a secret (${secret.slice(0, 3)}...)`);
  }
  return hits;
}

/** The secret values a test run knows: MinIO's root password, test users' keys, the codec key. */
export function knownSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    env.MINIO_ROOT_PASSWORD,
    env.S3BRIDGE_CODEC_KEY,
    ...Object.entries(env).filter(([name]) => /^S3BRIDGE_TEST_.*_SECRET$/.test(name)).map(([, value]) => value),
  ].filter((value): value is string => Boolean(value));
}

/**
 * Fetches every history on a task queue (every run: continued-as-new and child workflows too)
 * and returns the secrets found in them, decoded. Used by every test file's teardown.
 */
export async function scanTaskQueueForSecrets(temporal: Client, taskQueue: string, secrets = knownSecrets(), codecs: PayloadCodec[] = []) {
  const hits: string[] = [];
  let histories = 0;
  let payloads = 0;
  for await (const execution of temporal.workflow.list({ query: `TaskQueue = ${JSON.stringify(taskQueue)}` })) {
    const history = await temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    histories += 1;
    payloads += historyPayloads(history).length;
    for (const hit of await findSecrets(history, secrets, codecs)) hits.push(`${execution.workflowId} (${execution.runId}): ${hit}`);
  }
  return { histories, payloads, hits };
}
