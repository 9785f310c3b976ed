import { codecFromEnv } from './data-converter';
import { createCodecServer } from './codec-server';

/**
 * `npm run codec-server`: the codec endpoint for the Temporal UI ("Codec Server" setting) and CLI
 * (`--codec-endpoint`). Needs the worker's key (S3BRIDGE_CODEC_KEY, S3BRIDGE_CODEC_KEY_ID).
 */
function main(): void {
  const codec = codecFromEnv();
  if (!codec) throw new Error('S3BRIDGE_CODEC_KEY is not set: the codec server decodes with the same key as the worker');
  const host = process.env.S3BRIDGE_CODEC_SERVER_HOST ?? '127.0.0.1';
  const port = Number(process.env.S3BRIDGE_CODEC_SERVER_PORT ?? '8888');
  const corsOrigins = (process.env.S3BRIDGE_CODEC_CORS_ORIGINS ?? 'http://127.0.0.1:8233,http://localhost:8233').split(',').filter(Boolean);
  const server = createCodecServer({ codec, corsOrigins, token: process.env.S3BRIDGE_CODEC_SERVER_TOKEN || undefined });
  server.listen(port, host, () => {
    console.log(`s3bridge codec server on http://${host}:${port} (key "${codec.keyId}"; CORS for ${corsOrigins.join(', ')})`);
  });
}

main();
