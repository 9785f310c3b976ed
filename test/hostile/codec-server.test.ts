import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { freePort } from '../support/private-services';
import { codecFromEnv } from '../../src/codec/data-converter';
import { createCodecServer } from '../../src/codec/codec-server';
import { codecServerConfig } from '../../src/codec/codec-server-config';
import { payloadToJSON } from '../../src/codec/payload-json';
import type { AesGcmCodec } from '../../src/codec/aes-gcm-codec';

/**
 * The codec server decrypts anything for whoever it lets in. It must let in only the Temporal UI's
 * signed-in users (their OIDC access tokens, verified against the provider's keys) and the CLI's
 * token, answer only to its own Host (a page rebinding its name to 127.0.0.1 is refused), only
 * the UI's Origin, and serve /encode only when asked to.
 */
const UI_ORIGIN = 'http://127.0.0.1:8233';
const ISSUER = 'https://login.example.test/realms/ops';
const AUDIENCE = 'temporal-ui';
const CLI_TOKEN = randomBytes(16).toString('hex');
let codec: AesGcmCodec;
let jwks: http.Server;
let providerKey: CryptoKey;
let strangerKey: CryptoKey;
let server: http.Server;
let url: string;
let encrypted: unknown;

beforeAll(async () => {
  codec = codecFromEnv({ S3BRIDGE_CODEC_KEY: randomBytes(32).toString('base64'), S3BRIDGE_CODEC_KEY_ID: 'k1' })!;
  const provider = await generateKeyPair('RS256');
  providerKey = provider.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const published = { keys: [{ ...(await exportJWK(provider.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  // The identity provider's JWKS endpoint, standing in for the real one.
  jwks = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(published)));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const port = await freePort();
  server = createCodecServer({
    codec, corsOrigins: [UI_ORIGIN], allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`], cliToken: CLI_TOKEN,
    oidc: { issuer: ISSUER, audience: AUDIENCE, jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json` },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${port}`;
  const [payload] = await codec.encode([{ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('{"secret":"customer-data"}') }]);
  encrypted = payloadToJSON(payload!);
});
afterAll(() => {
  server?.close();
  jwks?.close();
});

function token(claims: { iss?: string; aud?: string; exp?: string } = {}, key = providerKey): Promise<string> {
  return new SignJWT({ sub: 'operator@example.test' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(claims.iss ?? ISSUER).setAudience(claims.aud ?? AUDIENCE).setIssuedAt().setExpirationTime(claims.exp ?? '5m').sign(key);
}

/** POSTs like the Temporal UI (or a page pretending to be it) through a raw request, so Host can be anything. */
function post(path: string, headers: Record<string, string>): Promise<{ status: number; body: { message?: string; payloads?: { data: string }[] } }> {
  const body = JSON.stringify({ payloads: [encrypted] });
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as never }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const fromUi = async (extra: Record<string, string> = {}) => ({ origin: UI_ORIGIN, authorization: `Bearer ${await token()}`, ...extra });
const decoded = (answer: { body: { payloads?: { data: string }[] } }) => Buffer.from(answer.body.payloads?.[0]?.data ?? '', 'base64').toString();

describe('the codec server lets in only who may read payloads', () => {
  it('decodes for the Temporal UI\'s signed-in user (an access token of the configured provider) and for the CLI token', async () => {
    const ui = await post('/decode', await fromUi());
    expect([ui.status, decoded(ui)]).toEqual([200, '{"secret":"customer-data"}']);
    const cli = await post('/api/v1/decode', { authorization: `Bearer ${CLI_TOKEN}` });
    expect([cli.status, decoded(cli)]).toEqual([200, '{"secret":"customer-data"}']);
  });

  it.each([
    ['no token', {}, 'missing bearer token: the Temporal UI must pass its access token (codec.passAccessToken), the CLI the codec server token'],
    ['a made-up token', { authorization: 'Bearer not-a-jwt' }, /^access token refused \(ERR_JWS_INVALID\)/],
  ] as const)('refuses %s', async (_what, headers, message) => {
    const answer = await post('/decode', headers);
    expect(answer.status).toBe(401);
    expect(answer.body.message).toMatch(message);
    expect(answer.body.payloads).toBeUndefined();
  });

  it('refuses a token for another audience, of another issuer, expired, or signed by a key the provider does not publish', async () => {
    for (const [jwt, code] of [
      [await token({ aud: 'some-other-app' }), 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
      [await token({ iss: 'https://evil.example.test' }), 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
      [await token({ exp: '1s ago' }), 'ERR_JWT_EXPIRED'],
      [await token({}, strangerKey), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ] as const) {
      const answer = await post('/decode', { origin: UI_ORIGIN, authorization: `Bearer ${jwt}` });
      expect([answer.status, answer.body.message?.startsWith(`access token refused (${code})`)]).toEqual([401, true]);
    }
  });

  it('refuses a request for another Host (DNS rebinding), even with a valid token', async () => {
    const rebound = await post('/decode', await fromUi({ host: 'attacker.example:8888', origin: 'http://attacker.example:8888' }));
    expect(rebound).toEqual({ status: 403, body: { message: `Host "attacker.example:8888" is not this codec server's (${new URL(url).host}, localhost:${new URL(url).port}): add it to S3BRIDGE_CODEC_SERVER_HOSTS if you reach the server by that name` } });
  });

  it('refuses a request from another Origin, even with a valid token', async () => {
    const answer = await post('/decode', await fromUi({ origin: 'http://evil.example' }));
    expect(answer).toEqual({ status: 403, body: { message: 'Origin "http://evil.example" may not use this codec server: add the Temporal UI\'s origin to S3BRIDGE_CODEC_CORS_ORIGINS' } });
  });

  it('serves /encode only when enabled', async () => {
    const answer = await post('/encode', await fromUi());
    expect(answer).toEqual({ status: 403, body: { message: '/encode is off: set S3BRIDGE_CODEC_SERVER_ENCODE=1 to let token holders encrypt payloads' } });
  });
});

describe('the codec server\'s settings', () => {
  it('will not start without a way to tell who asks, nor unauthenticated beyond loopback', () => {
    expect(() => codecServerConfig({})).toThrow(/^the codec server decrypts every payload for whoever it lets in: set S3BRIDGE_CODEC_OIDC_ISSUER/);
    expect(() => codecServerConfig({ S3BRIDGE_CODEC_SERVER_AUTH: 'none-local', S3BRIDGE_CODEC_SERVER_HOST: '0.0.0.0' })).toThrow('S3BRIDGE_CODEC_SERVER_AUTH=none-local serves only on loopback, not on 0.0.0.0');
    expect(() => codecServerConfig({ S3BRIDGE_CODEC_OIDC_ISSUER: ISSUER })).toThrow(/needs S3BRIDGE_CODEC_OIDC_AUDIENCE/);
    expect(codecServerConfig({ S3BRIDGE_CODEC_OIDC_ISSUER: ISSUER, S3BRIDGE_CODEC_OIDC_AUDIENCE: AUDIENCE }).options).toMatchObject({
      oidc: { issuer: ISSUER, audience: AUDIENCE, jwksUrl: `${ISSUER}/.well-known/jwks.json` },
      allowedHosts: ['127.0.0.1:8888', 'localhost:8888', '[::1]:8888'], encode: false,
    });
  });
});
