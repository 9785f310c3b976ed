import type { Payload } from '@temporalio/common';

/** A Payload in proto JSON form, as the codec protocol carries it: metadata values and data in base64. */
export interface JSONPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

export function payloadToJSON(payload: Payload): JSONPayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

export function payloadFromJSON(json: JSONPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(json.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(json.data ?? '', 'base64')),
  };
}
