import type { AwsCredentialIdentity } from '@aws-sdk/types';

/** Credentials this close to expiry are replaced before the next request (assume-role sessions last an hour). */
const REFRESH_MARGIN_MS = 10 * 60_000;

function expiresSoon(credentials: AwsCredentialIdentity, now = Date.now(), marginMs = REFRESH_MARGIN_MS): boolean {
  return credentials.expiration !== undefined && credentials.expiration.getTime() - now < marginMs;
}

/**
 * A credential provider that keeps the current credentials and resolves new ones once they are
 * about to expire, so a load longer than a role session keeps reading. `onRefresh` sees each
 * new set (DuckDB's secret is replaced with it).
 */
export function refreshingCredentials(
  resolve: () => Promise<AwsCredentialIdentity>,
  initial?: AwsCredentialIdentity,
  clock: () => number = Date.now,
): { get(): Promise<AwsCredentialIdentity>; refreshed(): Promise<AwsCredentialIdentity | undefined> } {
  let current = initial;
  return {
    async get() {
      if (!current || expiresSoon(current, clock())) current = await resolve();
      return current;
    },
    /** New credentials when the current ones were about to expire, else undefined. */
    async refreshed() {
      if (current && !expiresSoon(current, clock())) return undefined;
      current = await resolve();
      return current;
    },
  };
}
