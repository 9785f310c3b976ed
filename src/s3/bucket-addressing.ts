import net from 'node:net';
import type { Connection } from '../workflow-safe/connection';

/**
 * How both clients address the connection's bucket: `path` (endpoint/bucket/key) or `vhost`
 * (bucket.endpoint/key). Path-style when asked, and by default with an endpoint (MinIO and most
 * S3-compatible stores). Virtual-hosted only where a bucket can be a host name: not under an IP
 * endpoint, and not a bucket name with dots over HTTPS (the certificate would not match). The
 * AWS SDK falls back the same way on its own; DuckDB does not, so it is decided here for both.
 */
export function bucketAddressing(connection: Pick<Connection, 'bucket' | 'endpoint' | 'forcePathStyle'>): 'path' | 'vhost' {
  const endpoint: URL | undefined = connection.endpoint ? new URL(connection.endpoint) : undefined;
  const pathStyle = connection.forcePathStyle ?? Boolean(endpoint);
  if (pathStyle) return 'path';
  if (endpoint && net.isIP(endpoint.hostname.replace(/^\[|\]$/g, ''))) return 'path';
  if (connection.bucket.includes('.') && (endpoint ? endpoint.protocol : 'https:') === 'https:') return 'path';
  return 'vhost';
}
