import { codecFromEnv } from './data-converter';
import { createCodecServer } from './codec-server';
import { codecServerConfig } from './codec-server-config';

/**
 * `npm run codec-server`: the codec endpoint for the Temporal UI ("Codec Server" setting, with
 * passAccessToken) and CLI (`--codec-endpoint`, `--codec-auth`). Needs the worker's key
 * (S3BRIDGE_CODEC_KEY, S3BRIDGE_CODEC_KEY_ID) and a way to tell who asks (docs/operations.md, "Payload encryption").
 */
function main(): void {
  const codec = codecFromEnv();
  if (!codec) throw new Error('S3BRIDGE_CODEC_KEY is not set: the codec server decodes with the same key as the worker');
  const { host, port, options } = codecServerConfig(process.env);
  const server = createCodecServer({ codec, ...options });
  server.listen(port, host, () => {
    const auth = [options.oidc ? `access tokens of ${options.oidc.issuer}` : '', options.cliToken ? 'the CLI token' : '', options.unauthenticated ? 'no authentication (loopback only)' : '']
      .filter(Boolean).join(' or ');
    console.log(`s3bridge codec server on http://${host}:${port} (key "${codec.keyId}"; ${auth}; Host ${options.allowedHosts.join(', ')}; CORS for ${options.corsOrigins.join(', ')}; /encode ${options.encode ? 'on' : 'off'})`);
  });
}

main();
