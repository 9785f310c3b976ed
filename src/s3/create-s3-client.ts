import { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Connection } from '../shared/connection';

/** An S3 client for one connection; path-style by default when an endpoint is set. */
export function createS3Client(connection: Connection, credentials: AwsCredentialIdentity): S3Client {
  return new S3Client({
    region: connection.region,
    credentials,
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    forcePathStyle: connection.forcePathStyle ?? connection.endpoint !== undefined,
    // Temporal owns retries across attempts; the SDK's own few retries smooth over blips.
    maxAttempts: 3,
  });
}
