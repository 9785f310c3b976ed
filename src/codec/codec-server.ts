import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { PayloadCodec } from '@temporalio/common';
import { payloadFromJSON, payloadToJSON, type JSONPayload } from './payload-json';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Origins allowed by CORS, e.g. the Temporal UI's `http://127.0.0.1:8233`. */
  corsOrigins: string[];
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token?: string;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(req.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Temporal's remote codec protocol (`POST .../encode`, `POST .../decode`, bodies `{"payloads": [...]}`),
 * so the Temporal UI and CLI show decrypted payloads to operators who can reach this server.
 * Only the last path segment selects the endpoint, as the protocol asks.
 */
export function createCodecServer({ codec, corsOrigins, token }: CodecServerOptions): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    if (origin && corsOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Vary', 'Origin');
    }
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'Content-Type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') return send(204);
    const endpoint = (req.url ?? '').split('?')[0]!.split('/').filter(Boolean).pop();
    if (req.method !== 'POST' || (endpoint !== 'encode' && endpoint !== 'decode')) return send(404, { message: 'POST /encode or /decode' });
    if (!authorized(req, token)) return send(401, { message: 'missing or wrong bearer token' });
    readBody(req)
      .then(async (text) => {
        const { payloads } = JSON.parse(text) as { payloads?: JSONPayload[] };
        if (!Array.isArray(payloads)) return send(400, { message: 'expected {"payloads": [...]}' });
        const converted = endpoint === 'encode' ? await codec.encode(payloads.map(payloadFromJSON)) : await codec.decode(payloads.map(payloadFromJSON));
        send(200, { payloads: converted.map(payloadToJSON) });
      })
      // The message names what was wrong (bad JSON, unknown key ID), never a payload's content.
      .catch((error: unknown) => send(400, { message: error instanceof Error ? error.message : String(error) }));
  });
}
