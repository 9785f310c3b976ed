import { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { Connection } from '../workflow-safe/connection';

/**
 * An S3 client for one connection; path-style by default when an endpoint is set. Given a
 * provider, it asks it before each request (a refreshing one outlives a role session).
 */
export function createS3Client(connection: Connection, credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider): S3Client {
  return new S3Client({
    region: connection.region,
    credentials,
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    forcePathStyle: connection.forcePathStyle ?? connection.endpoint !== undefined,
    // Temporal owns retries across attempts; the SDK's own few retries smooth over blips.
    maxAttempts: 3,
  });
}
