import { describe, expect, it } from 'vitest';
import { checkEndpoint, isBlockedAddress, type Lookup } from '../../src/s3/endpoint-guard';
import { ENDPOINT_REFUSED } from '../../src/workflow-safe/failure-types';

/** Pure logic: a resolver stands in for DNS (tests cannot make a real name resolve to a metadata address). */
const resolvesTo = (...addresses: string[]): Lookup => () => Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('checkEndpoint', () => {
  it('refuses a hostname that resolves to a link-local or metadata address, naming it and the setting', async () => {
    await expect(checkEndpoint('https://s3.attacker.test', [], resolvesTo('203.0.113.9', '169.254.169.254'))).rejects.toMatchObject({
      type: ENDPOINT_REFUSED,
      nonRetryable: true,
      message: 'endpoint https://s3.attacker.test is refused: s3.attacker.test resolves to 169.254.169.254, a link-local or metadata address, '
        + 'where a request can read the worker\'s own cloud credentials; if this really is your S3 endpoint, add "s3.attacker.test" to S3BRIDGE_ENDPOINT_ALLOW on the worker',
    });
    await expect(checkEndpoint('https://v6.attacker.test', [], resolvesTo('fd00:ec2::254'))).rejects.toMatchObject({ type: ENDPOINT_REFUSED });
  });

  it('lets ordinary hosts through, and a refused host when S3BRIDGE_ENDPOINT_ALLOW names it', async () => {
    await expect(checkEndpoint('https://minio.internal:9000', [], resolvesTo('10.0.0.5'))).resolves.toBeUndefined();
    await expect(checkEndpoint('http://169.254.10.10:9000', ['169.254.10.10'], resolvesTo())).resolves.toBeUndefined();
    await expect(checkEndpoint('http://metadata.google.internal.', ['metadata.google.internal'], resolvesTo())).resolves.toBeUndefined();
    await expect(checkEndpoint(undefined, [], resolvesTo('169.254.169.254'))).resolves.toBeUndefined();
  });

  it('knows the metadata and link-local ranges, IPv4-mapped IPv6 included', () => {
    expect(['169.254.169.254', '169.254.170.2', 'fe80::1', 'fd00:ec2::254', '::ffff:169.254.169.254', '100.100.100.200'].map(isBlockedAddress))
      .toEqual([true, true, true, true, true, true]);
    expect(['127.0.0.1', '10.0.0.1', '::1', 'fd00:ec2::253', 'not-an-ip'].map(isBlockedAddress)).toEqual([false, false, false, false, false]);
  });
});
