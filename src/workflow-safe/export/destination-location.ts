import type { DestinationConnection } from '../connection';

type Where = Pick<DestinationConnection, 'bucket' | 'prefix' | 'endpoint'>;

/**
 * Where a destination writes: endpoint, bucket and prefix, as the connection spells them (what
 * reports show, and part of the export ledger's key).
 */
export function destinationLocation(connection: Where, prefix = connection.prefix): string {
  const url = `s3://${connection.bucket}${prefix ? `/${prefix}` : ''}`;
  return connection.endpoint ? `${url} at ${connection.endpoint}` : url;
}

// An AWS S3 endpoint (global, regional, legacy dash-regional, dual-stack, FIPS): the same buckets as no endpoint.
const AWS_S3_HOST = /^s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/;

/**
 * One spelling of an endpoint, as URL's origin would give it (scheme and host in lower case,
 * without the default port) plus its path without trailing slashes; undefined for AWS's own.
 * Pure string work: workflows import this.
 */
function sameEndpoint(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]+)(.*)$/i.exec(endpoint.trim());
  if (!match) return endpoint;
  const scheme = match[1]!.toLowerCase();
  let host = match[2]!.toLowerCase();
  const defaultPort = scheme === 'https' ? ':443' : scheme === 'http' ? ':80' : undefined;
  if (defaultPort && host.endsWith(defaultPort)) host = host.slice(0, -defaultPort.length);
  if (AWS_S3_HOST.test(host)) return undefined;
  return `${scheme}://${host}${match[3]!.replace(/\/+$/, '')}`;
}

/**
 * Where a destination writes, one string per place: two connections that write the same objects
 * (an endpoint with a trailing slash or capitals, an explicit AWS S3 endpoint) get the same
 * one. What one-writer checks compare: two enabled destinations at one place, one stream per folder.
 */
export function destinationPlace(connection: Where, prefix = connection.prefix): string {
  const endpoint = sameEndpoint(connection.endpoint);
  return destinationLocation({ bucket: connection.bucket, prefix: connection.prefix, ...(endpoint !== undefined ? { endpoint } : {}) }, prefix);
}
