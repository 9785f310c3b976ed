import { allowEntryFor } from './egress-policy';

/** A connection the gate refused: where to, why, and the setting that would allow it. */
export class EgressRefused extends Error {
  override readonly name = 'EgressRefused';
  readonly code = 'EGRESS_REFUSED';

  constructor(readonly host: string, readonly port: number, readonly reason: string) {
    super(`s3bridge refused to connect to ${allowEntryFor(host, port)}: ${reason}; `
      + `if this really is your S3 endpoint, add "${allowEntryFor(host, port)}" to S3BRIDGE_ENDPOINT_ALLOW on the worker`);
  }
}
