import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { Settings } from '../config/settings';
import { bareHost, EgressPolicy } from './egress-policy';
import { EgressRefused } from './egress-refused';
import { EgressSession } from './egress-session';
import { hostResolver, type ResolveHost } from './resolve-host';
import { startEgressProxy, type EgressProxy } from './egress-proxy';

/** What the gate needs from the worker's settings. */
export type EgressSettings = Pick<Settings, 'endpointAllow' | 'dnsServers'>;

/**
 * The one egress gate of a worker process: every request DuckDB (through the forward proxy that
 * its `http_proxy` setting points at, each redirect hop included) and the AWS SDK (through its
 * agents, src/egress/gated-agents.ts) make is checked here against the address actually connected
 * to, after DNS: so a redirect, a DNS answer that changed since the endpoint was checked, and a
 * virtual-hosted bucket name (`<bucket>.<endpoint host>`) all meet the same policy.
 */
export class EgressGate {
  readonly policy: EgressPolicy;
  /** The proxy's password (DuckDB sends it with each request): no other local process can use the proxy as a hop. */
  readonly proxyPassword = randomBytes(16).toString('hex');
  readonly sessions = new Map<string, EgressSession>();
  private proxyStarted: Promise<EgressProxy> | undefined;

  constructor(settings: EgressSettings, readonly resolve: ResolveHost = hostResolver(settings.dnsServers)) {
    this.policy = new EgressPolicy(settings.endpointAllow);
  }

  /**
   * The address to connect to for `host:port`: resolved (an IP as is), then checked. Throws
   * EgressRefused when no address may be connected to, or the resolver's error (transient).
   */
  async target(host: string, port: number): Promise<{ address: string; family: number }> {
    const name = bareHost(host);
    const byName = this.policy.nameRefusal(name, port);
    if (byName) throw new EgressRefused(name, port, byName);
    const family = net.isIP(name);
    let addresses: { address: string; family: number }[];
    try {
      addresses = family ? [{ address: name, family }] : await this.resolve(name);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'ENOTFOUND';
      throw Object.assign(new Error(`cannot resolve ${name} (${code})`), { code, hostname: name });
    }
    const allowed = addresses.find((a) => !this.policy.refusal(name, port, a.address));
    if (allowed) return allowed;
    throw new EgressRefused(name, port, this.policy.refusal(name, port, addresses[0]!.address)!);
  }

  /** Checks the address a socket actually connected to (the last word, whatever resolved it). */
  checkConnected(host: string, port: number, address: string | undefined): EgressRefused | undefined {
    if (!address) return undefined;
    const reason = this.policy.refusal(host, port, address);
    return reason ? new EgressRefused(bareHost(host), port, reason) : undefined;
  }

  /** A session for one DuckDB instance (closed with it). */
  openSession(): EgressSession {
    return new EgressSession(this.sessions);
  }

  /** The forward proxy DuckDB's `http_proxy` points at, started on first use (127.0.0.1, a free port). */
  proxy(): Promise<EgressProxy> {
    this.proxyStarted ??= startEgressProxy(this).catch((error: unknown) => {
      this.proxyStarted = undefined;
      throw error;
    });
    return this.proxyStarted;
  }
}

const gates = new Map<string, EgressGate>();

/**
 * The process's gate for these settings, made once (like the verified extension folder): the
 * proxy is a process resource, and every DuckDB and S3 client of the worker shares it.
 */
export function egressGate(settings: EgressSettings): EgressGate {
  const key = JSON.stringify([settings.endpointAllow, settings.dnsServers ?? []]);
  let gate = gates.get(key);
  if (!gate) {
    gate = new EgressGate(settings);
    gates.set(key, gate);
  }
  return gate;
}
