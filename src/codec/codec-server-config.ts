import type { CodecServerOptions } from './codec-server';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((v) => v.trim()).filter(Boolean);
}

/** Where the codec server listens, and how it is configured, from the environment (see docs/operations.md, "Payload encryption"). */
export function codecServerConfig(env: NodeJS.ProcessEnv): { host: string; port: number; options: Omit<CodecServerOptions, 'codec'> } {
  const host = env.S3BRIDGE_CODEC_SERVER_HOST ?? '127.0.0.1';
  const port = Number(env.S3BRIDGE_CODEC_SERVER_PORT ?? '8888');
  const auth = env.S3BRIDGE_CODEC_SERVER_AUTH ?? '';
  const issuer = env.S3BRIDGE_CODEC_OIDC_ISSUER;
  const audience = env.S3BRIDGE_CODEC_OIDC_AUDIENCE;
  const jwksUrl = env.S3BRIDGE_CODEC_OIDC_JWKS_URL ?? (issuer ? `${issuer.replace(/\/$/, '')}/.well-known/jwks.json` : undefined);
  if (issuer && !audience) throw new Error('S3BRIDGE_CODEC_OIDC_ISSUER needs S3BRIDGE_CODEC_OIDC_AUDIENCE: the audience your provider puts in the Temporal UI\'s access tokens');
  const cliToken = env.S3BRIDGE_CODEC_SERVER_TOKEN || undefined;
  const unauthenticated = auth === 'none-local';
  if (auth && auth !== 'none-local') throw new Error(`S3BRIDGE_CODEC_SERVER_AUTH: expected "none-local" or unset, got ${JSON.stringify(auth)}`);
  if (unauthenticated && !LOOPBACK.has(host)) {
    throw new Error(`S3BRIDGE_CODEC_SERVER_AUTH=none-local serves only on loopback, not on ${host}: configure S3BRIDGE_CODEC_OIDC_ISSUER (the Temporal UI's tokens) or S3BRIDGE_CODEC_SERVER_TOKEN (the CLI's)`);
  }
  if (!unauthenticated && !issuer && !cliToken) {
    throw new Error('the codec server decrypts every payload for whoever it lets in: set S3BRIDGE_CODEC_OIDC_ISSUER and S3BRIDGE_CODEC_OIDC_AUDIENCE '
      + '(the Temporal UI passes its users\' access tokens) and/or S3BRIDGE_CODEC_SERVER_TOKEN (for the CLI); for local development on loopback only, S3BRIDGE_CODEC_SERVER_AUTH=none-local');
  }
  const own = host === '0.0.0.0' || host === '::' ? [] : [`${host}:${port}`];
  const loopback = LOOPBACK.has(host) ? [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`] : [];
  return {
    host,
    port,
    options: {
      corsOrigins: list(env.S3BRIDGE_CODEC_CORS_ORIGINS ?? 'http://127.0.0.1:8233,http://localhost:8233'),
      allowedHosts: [...new Set([...own, ...loopback, ...list(env.S3BRIDGE_CODEC_SERVER_HOSTS)])],
      ...(issuer && audience && jwksUrl ? { oidc: { issuer, audience, jwksUrl } } : {}),
      ...(cliToken ? { cliToken } : {}),
      encode: env.S3BRIDGE_CODEC_SERVER_ENCODE === '1',
      unauthenticated,
    },
  };
}
