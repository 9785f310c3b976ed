import net from 'node:net';

/**
 * What an IP address is, for the egress gate. Metadata and link-local addresses serve the worker's
 * own cloud credentials (AWS, GCP, Azure, Alibaba, Oracle; ECS task credentials); loopback and
 * private ranges are the worker's own network (Temporal, Postgres, the codec server, internal
 * services that trust whoever reaches them). Only public addresses are reachable by default.
 */
export type AddressKind = 'metadata' | 'link-local' | 'loopback' | 'private' | 'unspecified' | 'reserved' | 'public';

function list(entries: [string, number | undefined, 'ipv4' | 'ipv6'][]): net.BlockList {
  const blocks = new net.BlockList();
  for (const [address, prefix, family] of entries) {
    if (prefix === undefined) blocks.addAddress(address, family);
    else blocks.addSubnet(address, prefix, family);
  }
  return blocks;
}

// BlockList matches IPv4-mapped IPv6 (::ffff:a.b.c.d) against the IPv4 entries too.
const KINDS: [AddressKind, net.BlockList][] = [
  ['metadata', list([['169.254.169.254', undefined, 'ipv4'], ['169.254.170.2', undefined, 'ipv4'], ['100.100.100.200', undefined, 'ipv4'],
    ['192.0.0.192', undefined, 'ipv4'], ['fd00:ec2::254', undefined, 'ipv6']])],
  ['link-local', list([['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']])],
  ['loopback', list([['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']])],
  ['unspecified', list([['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6']])],
  ['private', list([['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['100.64.0.0', 10, 'ipv4'],
    ['198.18.0.0', 15, 'ipv4'], ['192.0.0.0', 24, 'ipv4'], ['fc00::', 7, 'ipv6'], ['fec0::', 10, 'ipv6']])],
  ['reserved', list([['224.0.0.0', 4, 'ipv4'], ['240.0.0.0', 4, 'ipv4'], ['ff00::', 8, 'ipv6'], ['64:ff9b:1::', 48, 'ipv6'], ['100::', 64, 'ipv6']])],
];

/** NAT64 (64:ff9b::/96) embeds an IPv4 address: it is what the packets reach. */
function embeddedIpv4(address: string): string | undefined {
  // The canonical form drops leading zero groups: 64:ff9b::a is 0.0.0.10, 64:ff9b:: is 0.0.0.0.
  const match = /^64:ff9b::(?:([0-9a-f]{1,4}):)?([0-9a-f]{1,4})?$/i.exec(address);
  if (!match) return undefined;
  const [hi, lo] = [parseInt(match[1] ?? '0', 16), parseInt(match[2] ?? '0', 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** Kinds already worked out: the gate checks the same few addresses on every connection (BlockList checks cost). */
const known = new Map<string, AddressKind | undefined>();
const KNOWN_MAX = 1024;

/** The kind of an IP address (undefined when `address` is not one). */
export function addressKind(address: string): AddressKind | undefined {
  if (known.has(address)) return known.get(address);
  const kind = kindOf(address);
  if (known.size >= KNOWN_MAX) known.clear();
  known.set(address, kind);
  return kind;
}

function kindOf(address: string): AddressKind | undefined {
  const family = net.isIP(address);
  if (family === 0) return undefined;
  if (family === 6) {
    // One spelling per address (`64:ff9b::169.254.169.254`, `0064:ff9b:0:0:0:0:a9fe:a9fe` and a zone are all `64:ff9b::a9fe:a9fe`),
    // as a proxied request line may write it: the NAT64 match below reads the canonical form.
    const canonical = new net.SocketAddress({ address, family: 'ipv6' }).address;
    const nat64 = embeddedIpv4(canonical);
    if (nat64) return addressKind(nat64);
    // IPv4-compatible (::a.b.c.d) and IPv4-translated (::ffff:0:a.b.c.d) forms: deprecated or translator-only, no public service.
    // (BlockList cannot hold ::/96: it matches every IPv4 address against it.)
    const listed = KINDS.find(([, blocks]) => blocks.check(canonical, 'ipv6'))?.[0];
    if (listed) return listed;
    if (/^::(ffff:0:)?(([0-9a-f]{1,4}:)?[0-9a-f]{1,4}|\d+\.\d+\.\d+\.\d+)$/.test(canonical)) return 'reserved';
    return 'public';
  }
  return KINDS.find(([, blocks]) => blocks.check(address, 'ipv4'))?.[0] ?? 'public';
}

/** "a link-local or metadata address", "a loopback address"... for messages. */
export function describeKind(kind: AddressKind): string {
  switch (kind) {
    case 'metadata':
    case 'link-local':
      return 'a link-local or metadata address, where a request can read the worker\'s own cloud credentials';
    case 'loopback':
      return 'a loopback address, the worker\'s own machine';
    case 'private':
      return 'a private address, inside the worker\'s network';
    case 'unspecified':
      return 'an unspecified address (it reaches the worker\'s own machine)';
    case 'reserved':
      return 'a multicast or reserved address';
    case 'public':
      return 'a public address';
  }
}
