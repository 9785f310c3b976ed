import type { DestinationConnection } from '../connection';

/**
 * Where a destination writes: endpoint, bucket and prefix. Two enabled destinations with the
 * same location would overwrite each other's deterministic file names, so that is refused.
 */
export function destinationLocation(connection: Pick<DestinationConnection, 'bucket' | 'prefix' | 'endpoint'>, prefix = connection.prefix): string {
  const url = `s3://${connection.bucket}${prefix ? `/${prefix}` : ''}`;
  return connection.endpoint ? `${url} at ${connection.endpoint}` : url;
}
