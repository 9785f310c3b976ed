import { lookup as dnsLookup } from 'node:dns/promises';
import net from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { ENDPOINT_REFUSED } from '../workflow-safe/failure-types';

/**
 * Link-local and cloud metadata addresses: a request there can read the worker's own instance
 * credentials (AWS, GCP, Azure, Alibaba, Oracle). Not an S3 endpoint in any ordinary setup.
 */
const BLOCKED = new net.BlockList();
BLOCKED.addSubnet('169.254.0.0', 16, 'ipv4');
BLOCKED.addAddress('100.100.100.200', 'ipv4');
BLOCKED.addAddress('192.0.0.192', 'ipv4');
BLOCKED.addSubnet('fe80::', 10, 'ipv6');
BLOCKED.addAddress('fd00:ec2::254', 'ipv6');

const METADATA_HOSTS = new Set([
  'metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.internal',
]);

export type Lookup = (host: string) => Promise<{ address: string; family: number }[]>;
const systemLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/** Whether an IP address is link-local or a metadata address (BlockList matches IPv4-mapped IPv6 too). */
export function isBlockedAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function refused(endpoint: string, why: string, host: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: ENDPOINT_REFUSED,
    nonRetryable: true,
    message: `endpoint ${endpoint} is refused: ${why}, where a request can read the worker's own cloud credentials; ` +
      `if this really is your S3 endpoint, add "${host}" to S3BRIDGE_ENDPOINT_ALLOW on the worker`,
  });
}

/**
 * Refuses an endpoint that is, or resolves to, a link-local or cloud metadata address, unless its
 * host is in `allow` (S3BRIDGE_ENDPOINT_ALLOW). Run in the activity, before any secret is resolved.
 * A lookup error is rethrown as is (transient: Temporal retries, and nothing is sent meanwhile).
 */
export async function checkEndpoint(endpoint: string | undefined, allow: string[], lookup: Lookup = systemLookup): Promise<void> {
  if (!endpoint) return;
  const url = new URL(endpoint);
  // URL normalises decimal, octal and hex IPv4 spellings; IPv6 comes bracketed.
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (allow.includes(host)) return;
  if (METADATA_HOSTS.has(host)) throw refused(endpoint, `${host} is a cloud metadata service`, host);
  if (net.isIP(host)) {
    if (isBlockedAddress(host)) throw refused(endpoint, `${host} is a link-local or metadata address`, host);
    return;
  }
  const addresses = await lookup(host);
  const blocked = addresses.find((a) => isBlockedAddress(a.address));
  if (blocked) throw refused(endpoint, `${host} resolves to ${blocked.address}, a link-local or metadata address`, host);
}
