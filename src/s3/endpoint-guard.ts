import { ApplicationFailure } from '@temporalio/common';
import { ENDPOINT_REFUSED } from '../workflow-safe/failure-types';
import type { EgressGate } from '../egress/egress-gate';
import { EgressRefused } from '../egress/egress-refused';
import { allowEntryFor } from '../egress/egress-policy';

/**
 * Refuses a connection's endpoint when the egress gate would refuse it (a metadata service, or a
 * loopback, private, link-local or metadata address, unless S3BRIDGE_ENDPOINT_ALLOW names it). Run
 * in the activity before any secret is resolved, so a refused endpoint never gets them; every
 * request is checked again where it connects (src/egress/), which is what catches a DNS answer
 * that changes later. A lookup error is rethrown as is (transient: Temporal retries, nothing is sent).
 */
export async function checkEndpoint(endpoint: string | undefined, gate: Pick<EgressGate, 'target'>): Promise<void> {
  if (!endpoint) return;
  // URL normalises decimal, octal and hex IPv4 spellings; IPv6 comes bracketed.
  const url = new URL(endpoint);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  try {
    await gate.target(url.hostname, port);
  } catch (error) {
    if (!(error instanceof EgressRefused)) throw error;
    throw ApplicationFailure.create({
      type: ENDPOINT_REFUSED,
      nonRetryable: true,
      message: `endpoint ${endpoint} is refused: ${error.reason}; if this really is your S3 endpoint, add "${allowEntryFor(error.host, port)}" to S3BRIDGE_ENDPOINT_ALLOW on the worker`,
    });
  }
}
