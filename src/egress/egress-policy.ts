import net from 'node:net';
import { addressKind, describeKind } from './address-kind';

/**
 * Names of cloud metadata services: refused by name, whatever they resolve to.
 */
const METADATA_HOSTS = new Set([
  'metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.internal',
]);

/** One S3BRIDGE_ENDPOINT_ALLOW entry: a host name (or `*.suffix`), an IP address or a CIDR range, with or without a port. */
interface AllowEntry {
  host?: string;
  suffix?: string;
  subnet?: net.BlockList;
  port?: number;
}

/** `host`, `host:port`, `[v6]:port`, `*.example.com`, `10.0.0.0/8`. */
function parseEntry(text: string): AllowEntry {
  const entry = text.trim().toLowerCase();
  const cidr = /^([0-9a-f.:]+)\/(\d{1,3})$/.exec(entry);
  if (cidr && net.isIP(cidr[1]!)) {
    const subnet = new net.BlockList();
    subnet.addSubnet(cidr[1]!, Number(cidr[2]), net.isIP(cidr[1]!) === 4 ? 'ipv4' : 'ipv6');
    return { subnet };
  }
  if (net.isIP(entry)) return { host: entry };
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : undefined };
  const withPort = /^(.+):(\d+)$/.exec(entry);
  const host = withPort ? withPort[1]! : entry;
  const port = withPort ? Number(withPort[2]) : undefined;
  return host.startsWith('*.') ? { suffix: host.slice(1), port } : { host: host.replace(/\.$/, ''), port };
}

/** A host as written in a URL, without brackets or a trailing dot, lower-cased. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

/** The entry that would allow `host:port` on purpose, for messages: with the port, so one service opens and not the machine. */
export function allowEntryFor(host: string, port: number): string {
  return net.isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Where the worker may connect: public addresses always; loopback, private, link-local and metadata
 * addresses, and metadata service names, only when an S3BRIDGE_ENDPOINT_ALLOW entry names them.
 * Applied to the address actually connected to (after DNS), for every request DuckDB and the AWS
 * SDK make (src/egress/egress-gate.ts), and to a connection's endpoint before its secrets resolve.
 */
export class EgressPolicy {
  private readonly entries: AllowEntry[];

  constructor(allow: string[]) {
    this.entries = allow.filter((a) => a.trim()).map(parseEntry);
  }

  private allowed(host: string, port: number, address: string | undefined): boolean {
    return this.entries.some((e) => {
      if (e.port !== undefined && e.port !== port) return false;
      if (e.host !== undefined) return e.host === host || (address !== undefined && e.host === address);
      if (e.suffix !== undefined) return host.endsWith(e.suffix);
      return address !== undefined && e.subnet!.check(address, net.isIP(address) === 4 ? 'ipv4' : 'ipv6');
    });
  }

  /** Why a name may not be connected to at all (a metadata service's), before it is resolved. */
  nameRefusal(host: string, port: number): string | undefined {
    const name = bareHost(host);
    if (!METADATA_HOSTS.has(name) || this.allowed(name, port, undefined)) return undefined;
    return `${name} is a cloud metadata service, where a request can read the worker's own cloud credentials`;
  }

  /** Why connecting to `address` for `host:port` is refused, or undefined when it is allowed. */
  refusal(host: string, port: number, address: string): string | undefined {
    const name = bareHost(host);
    const kind = addressKind(address) ?? 'reserved';
    if (kind === 'public' || this.allowed(name, port, address)) return undefined;
    const what = name === address ? address : `${name} resolves to ${address},`;
    return name === address ? `${what} is ${describeKind(kind)}` : `${what} ${describeKind(kind)}`;
  }
}
