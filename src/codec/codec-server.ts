import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { PayloadCodec } from '@temporalio/common';
import { payloadFromJSON, payloadToJSON, type JSONPayload } from './payload-json';

/** The identity provider whose access tokens the Temporal UI passes (`codec.passAccessToken`). */
interface CodecOidc {
  issuer: string;
  audience: string;
  /** Where the provider publishes its signing keys. */
  jwksUrl: string;
}

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Origins allowed by CORS, e.g. the Temporal UI's `http://127.0.0.1:8233`; a request from any other origin is refused. */
  corsOrigins: string[];
  /** `Host` values this server answers to (its own host:port, a reverse proxy's name); any other is refused (DNS rebinding). */
  allowedHosts: string[];
  /** Verifies the Temporal UI's per-user access tokens (OIDC JWTs: signature, issuer, audience, expiry). */
  oidc?: CodecOidc;
  /** A static bearer token, for the CLI (`temporal --codec-auth`); it cannot stand for the UI's per-user tokens. */
  cliToken?: string;
  /** Serves /encode too (off by default: nobody needs to forge encrypted payloads). */
  encode?: boolean;
  /** No authentication: only for a server on loopback in local development (S3BRIDGE_CODEC_SERVER_AUTH=none-local). */
  unauthenticated?: boolean;
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

function sameToken(given: string, expected: string): boolean {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why the request's credentials are refused, or undefined when they are good. */
async function authProblem(req: IncomingMessage, options: CodecServerOptions, keys: JWTVerifyGetKey | undefined): Promise<string | undefined> {
  if (options.unauthenticated) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!bearer) return 'missing bearer token: the Temporal UI must pass its access token (codec.passAccessToken), the CLI the codec server token';
  if (options.cliToken && sameToken(bearer, options.cliToken)) return undefined;
  if (!keys || !options.oidc) return 'wrong bearer token';
  try {
    await jwtVerify(bearer, keys, { issuer: options.oidc.issuer, audience: options.oidc.audience });
    return undefined;
  } catch (error) {
    return `access token refused (${(error as { code?: string }).code ?? 'invalid'}): ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Temporal's remote codec protocol (`POST .../decode`, and `.../encode` when enabled; bodies
 * `{"payloads": [...]}`), so the Temporal UI and CLI show decrypted payloads to the operators
 * who may see them. Every request is checked before its body is read: its `Host` must be this
 * server's (a page that rebinds its own name to 127.0.0.1 is refused), an `Origin` must be the
 * Temporal UI's, and it must carry the UI's access token (verified against the OIDC provider's
 * keys) or the CLI's static token. Only the last path segment selects the endpoint, as the protocol asks.
 */
export function createCodecServer(options: CodecServerOptions): Server {
  const { codec, corsOrigins } = options;
  if (!options.unauthenticated && !options.oidc && !options.cliToken) {
    throw new Error('the codec server needs an OIDC provider for the Temporal UI\'s access tokens or a CLI token (or, on loopback only, no authentication)');
  }
  const keys = options.oidc ? createRemoteJWKSet(new URL(options.oidc.jwksUrl)) : undefined;
  const hosts = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'Content-Type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const host = (req.headers.host ?? '').toLowerCase();
    if (!hosts.has(host)) return send(403, { message: `Host "${host}" is not this codec server's (${[...hosts].join(', ')}): add it to S3BRIDGE_CODEC_SERVER_HOSTS if you reach the server by that name` });
    if (origin !== undefined && !corsOrigins.includes(origin)) return send(403, { message: `Origin "${origin}" may not use this codec server: add the Temporal UI's origin to S3BRIDGE_CODEC_CORS_ORIGINS` });
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') return send(204);
    const endpoint = (req.url ?? '').split('?')[0]!.split('/').filter(Boolean).pop();
    if (req.method !== 'POST' || (endpoint !== 'encode' && endpoint !== 'decode')) return send(404, { message: 'POST /decode (or /encode when enabled)' });
    if (endpoint === 'encode' && !options.encode) return send(403, { message: '/encode is off: set S3BRIDGE_CODEC_SERVER_ENCODE=1 to let token holders encrypt payloads' });
    authProblem(req, options, keys)
      .then(async (problem) => {
        if (problem) return send(401, { message: problem });
        const { payloads } = JSON.parse(await readBody(req)) as { payloads?: JSONPayload[] };
        if (!Array.isArray(payloads)) return send(400, { message: 'expected {"payloads": [...]}' });
        const converted = endpoint === 'encode' ? await codec.encode(payloads.map(payloadFromJSON)) : await codec.decode(payloads.map(payloadFromJSON));
        send(200, { payloads: converted.map(payloadToJSON) });
      })
      // The message names what was wrong (bad JSON, unknown key ID), never a payload's content.
      .catch((error: unknown) => send(400, { message: error instanceof Error ? error.message : String(error) }));
  });
}
