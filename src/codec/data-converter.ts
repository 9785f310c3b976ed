import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec } from './aes-gcm-codec';

/** The file `failureConverterPath` points at (the worker bundles it into the workflow code). */
export const ENCODED_FAILURE_CONVERTER_PATH = path.resolve(__dirname, '../workflow-safe/codec/encoded-failure-converter.cjs');

/**
 * The payload codec from the environment, or undefined when encryption is off (the default).
 * `S3BRIDGE_CODEC_KEY` (32 bytes, base64) turns it on; `S3BRIDGE_CODEC_KEY_ID` names the key
 * (default `s3bridge`); `S3BRIDGE_CODEC_OLD_KEYS` (`id=base64,...`) keeps rotated keys for decoding.
 */
export function codecFromEnv(env: NodeJS.ProcessEnv = process.env): AesGcmCodec | undefined {
  const key = env.S3BRIDGE_CODEC_KEY;
  if (!key) return undefined;
  const keyId = env.S3BRIDGE_CODEC_KEY_ID || 's3bridge';
  const keys = new Map<string, Buffer>();
  for (const entry of (env.S3BRIDGE_CODEC_OLD_KEYS ?? '').split(',').filter(Boolean)) {
    const at = entry.indexOf('=');
    if (at < 1) throw new Error('S3BRIDGE_CODEC_OLD_KEYS: expected "keyId=base64key" entries separated by commas');
    keys.set(entry.slice(0, at), Buffer.from(entry.slice(at + 1), 'base64'));
  }
  keys.set(keyId, Buffer.from(key, 'base64'));
  return new AesGcmCodec(keyId, keys);
}

/**
 * The data converter for worker and client: Temporal's defaults when encryption is off; with it on,
 * the AES-GCM codec plus a failure converter that encodes failure messages, so the codec encrypts them too.
 * A plain `DataConverter` object, so it composes with however the connection itself is configured.
 */
export function s3bridgeDataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const codec = codecFromEnv(env);
  if (!codec) return undefined;
  return { payloadCodecs: [codec], failureConverterPath: ENCODED_FAILURE_CONVERTER_PATH };
}
