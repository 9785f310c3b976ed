import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { payloadFromJSON, payloadToJSON, type JSONPayload } from './payload-json';

/** The encoding Temporal's samples and codec servers use for encrypted payloads. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * Encrypts every payload with AES-256-GCM: the whole payload (metadata and data) becomes
 * `iv | ciphertext | tag`, tagged with the key ID so that after a rotation the old key, still
 * held for decoding, reads old history. Payloads that are not encrypted decode as they are.
 */
export class AesGcmCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  /** `keyId` encrypts; `keys` (including `keyId`) decrypt. */
  constructor(readonly keyId: string, keys: Map<string, Buffer>) {
    for (const [id, key] of keys) {
      if (key.length !== 32) throw new ValueError(`payload codec key "${id}" must be 32 bytes (AES-256), got ${key.length}`);
    }
    if (!keys.has(keyId)) throw new ValueError(`payload codec key "${keyId}" is not among the keys`);
    this.keys = keys;
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.keyId)!;
    return Promise.resolve(payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The plaintext is the whole payload (metadata and data) in its proto JSON form.
      const plain = Buffer.from(JSON.stringify(payloadToJSON(payload)));
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(this.keyId) },
        data: new Uint8Array(data),
      };
    }));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) return payload;
      const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
      const keyId = keyIdBytes ? Buffer.from(keyIdBytes).toString() : '';
      const key = this.keys.get(keyId);
      if (!key) throw new ValueError(`payload encrypted with key "${keyId}", which this process does not hold (set it as S3BRIDGE_CODEC_KEY_ID or in S3BRIDGE_CODEC_OLD_KEYS)`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('encrypted payload is too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return payloadFromJSON(JSON.parse(plain.toString()) as JSONPayload);
    }));
  }
}
