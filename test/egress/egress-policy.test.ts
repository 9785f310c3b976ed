import { describe, expect, it } from 'vitest';
import { addressKind } from '../../src/egress/address-kind';
import { EgressGate } from '../../src/egress/egress-gate';
import { EgressPolicy } from '../../src/egress/egress-policy';
import type { ResolveHost } from '../../src/egress/resolve-host';
import { checkEndpoint } from '../../src/s3/endpoint-guard';
import { ENDPOINT_REFUSED } from '../../src/workflow-safe/failure-types';

/** Pure logic: a resolver stands in for DNS (tests cannot make a real name resolve to a metadata address). */
const resolvesTo = (...addresses: string[]): ResolveHost => () => Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
const gate = (allow: string[], ...addresses: string[]) => new EgressGate({ endpointAllow: allow }, resolvesTo(...addresses));

describe('addressKind', () => {
  it('knows metadata, link-local, loopback, private and reserved ranges, IPv4-mapped IPv6 and NAT64 included', () => {
    expect(['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '::ffff:169.254.169.254', '100.100.100.200', '64:ff9b::a9fe:a9fe'].map(addressKind))
      .toEqual(['metadata', 'metadata', 'metadata', 'metadata', 'metadata', 'metadata']);
    expect(['169.254.1.1', 'fe80::1', '127.0.0.1', '::1', '127.1.2.3', '0.0.0.0', '::', '10.0.0.1', '172.20.0.1', '192.168.1.1', '100.64.0.1', 'fd12::1', '224.0.0.1'].map(addressKind))
      .toEqual(['link-local', 'link-local', 'loopback', 'loopback', 'loopback', 'unspecified', 'unspecified', 'private', 'private', 'private', 'private', 'private', 'reserved']);
    expect(['52.216.1.1', '2600:1f18::1', 'not-an-ip'].map(addressKind)).toEqual(['public', 'public', undefined]);
  });

  it('classifies an IPv6 address whatever its spelling: NAT64 with a dotted tail or zeros written out, IPv4-compatible and -translated forms, a zone', () => {
    expect(['64:ff9b::169.254.169.254', '0064:ff9b:0:0:0:0:a9fe:a9fe', '64:FF9B::A9FE:A9FE', '64:ff9b::127.0.0.1', '::169.254.169.254', '::ffff:0:a9fe:a9fe', 'fe80::1%eth0', 'fec0::1'].map(addressKind))
      .toEqual(['metadata', 'metadata', 'metadata', 'loopback', 'reserved', 'reserved', 'link-local', 'private']);
  });

  it('reads NAT64 and IPv4-compatible forms whose canonical spelling drops zero groups (one group, or none)', () => {
    expect(['64:ff9b::0.0.0.10', '64:ff9b::', '64:ff9b::0.0.0.1', '::0.0.0.10', '::1', '::', '2001:db8::a'].map(addressKind))
      .toEqual(['unspecified', 'unspecified', 'unspecified', 'reserved', 'loopback', 'unspecified', 'public']);
  });

  it('refuses a proxied CONNECT target spelled that way before connecting (the socket check came only after the TCP handshake)', async () => {
    await expect(gate([]).target('[64:ff9b::169.254.169.254]', 443)).rejects.toThrow(
      's3bridge refused to connect to [64:ff9b::169.254.169.254]:443: 64:ff9b::169.254.169.254 is a link-local or metadata address, where a request can read the worker\'s own cloud credentials; '
      + 'if this really is your S3 endpoint, add "[64:ff9b::169.254.169.254]:443" to S3BRIDGE_ENDPOINT_ALLOW on the worker');
  });
});

describe('EgressPolicy', () => {
  it('allows public addresses; loopback, private, link-local and metadata only when an entry names them', () => {
    const policy = new EgressPolicy(['127.0.0.1:9000', 'minio.internal', '10.1.0.0/16', '*.vpce.amazonaws.com:443', '[::1]:9000']);
    expect(policy.refusal('s3.amazonaws.com', 443, '52.216.1.1')).toBeUndefined();
    expect(policy.refusal('127.0.0.1', 9000, '127.0.0.1')).toBeUndefined();
    expect(policy.refusal('127.0.0.1', 7233, '127.0.0.1')).toBe('127.0.0.1 is a loopback address, the worker\'s own machine');
    expect(policy.refusal('minio.internal', 9000, '10.9.9.9')).toBeUndefined();
    expect(policy.refusal('bucket.minio.internal', 9000, '10.9.9.9')).toBe('bucket.minio.internal resolves to 10.9.9.9, a private address, inside the worker\'s network');
    expect(policy.refusal('db.internal', 5432, '10.1.2.3')).toBeUndefined();
    expect(policy.refusal('bucket.vpce-1.s3.us-east-1.vpce.amazonaws.com', 443, '10.200.0.1')).toBeUndefined();
    expect(policy.refusal('::1', 9000, '::1')).toBeUndefined();
    expect(policy.refusal('rebind.test', 80, '169.254.169.254')).toBe('rebind.test resolves to 169.254.169.254, a link-local or metadata address, where a request can read the worker\'s own cloud credentials');
    expect(policy.nameRefusal('metadata.google.internal.', 80)).toBe('metadata.google.internal is a cloud metadata service, where a request can read the worker\'s own cloud credentials');
    expect(new EgressPolicy(['metadata.google.internal']).nameRefusal('metadata.google.internal', 80)).toBeUndefined();
  });
});

describe('checkEndpoint (before any secret is resolved)', () => {
  it('refuses a hostname that resolves to a link-local or metadata address, naming it and the entry to add', async () => {
    await expect(checkEndpoint('https://s3.attacker.test', gate([], '203.0.113.9', '169.254.169.254'))).resolves.toBeUndefined();
    await expect(checkEndpoint('https://s3.attacker.test', gate([], '169.254.169.254'))).rejects.toMatchObject({
      type: ENDPOINT_REFUSED,
      nonRetryable: true,
      message: 'endpoint https://s3.attacker.test is refused: s3.attacker.test resolves to 169.254.169.254, a link-local or metadata address, '
        + 'where a request can read the worker\'s own cloud credentials; if this really is your S3 endpoint, add "s3.attacker.test:443" to S3BRIDGE_ENDPOINT_ALLOW on the worker',
    });
    await expect(checkEndpoint('https://v6.attacker.test', gate([], 'fd00:ec2::254'))).rejects.toMatchObject({ type: ENDPOINT_REFUSED });
  });

  it('refuses private and loopback endpoints unless listed; lets public ones and listed ones through', async () => {
    await expect(checkEndpoint('http://10.0.0.5:9000', gate([]))).rejects.toMatchObject({
      message: 'endpoint http://10.0.0.5:9000 is refused: 10.0.0.5 is a private address, inside the worker\'s network; if this really is your S3 endpoint, add "10.0.0.5:9000" to S3BRIDGE_ENDPOINT_ALLOW on the worker',
    });
    await expect(checkEndpoint('https://minio.internal:9000', gate(['minio.internal:9000'], '10.0.0.5'))).resolves.toBeUndefined();
    await expect(checkEndpoint('https://s3.example.com', gate([], '93.184.216.34'))).resolves.toBeUndefined();
    await expect(checkEndpoint('http://169.254.10.10:9000', gate(['169.254.10.10']))).resolves.toBeUndefined();
    await expect(checkEndpoint('http://metadata.google.internal.', gate(['metadata.google.internal'], '169.254.169.254'))).resolves.toBeUndefined();
    await expect(checkEndpoint(undefined, gate([], '169.254.169.254'))).resolves.toBeUndefined();
  });
});
