import dns from 'node:dns';

/** A host name's addresses, as the egress gate connects to them. */
export type ResolveHost = (host: string) => Promise<{ address: string; family: number }[]>;

/**
 * The system resolver (getaddrinfo: /etc/hosts, then DNS), or the given DNS servers
 * (S3BRIDGE_DNS_SERVERS, `ip` or `ip:port`) for both IPv4 and IPv6 answers.
 */
export function hostResolver(servers: string[] | undefined): ResolveHost {
  if (!servers?.length) return (host) => dns.promises.lookup(host, { all: true, verbatim: true });
  const resolver = new dns.promises.Resolver({ timeout: 2_000, tries: 2 });
  resolver.setServers(servers);
  return async (host) => {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    const addresses = [
      ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
      ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
    ];
    if (addresses.length > 0) return addresses;
    throw v4.status === 'rejected' ? v4.reason : Object.assign(new Error(`queryA ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host });
  };
}
