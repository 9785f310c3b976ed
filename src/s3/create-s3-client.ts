import { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { Connection } from '../workflow-safe/connection';
import { egressGate, type EgressSettings } from '../egress/egress-gate';
import { gatedAgents } from '../egress/gated-agents';
import { bucketAddressing } from './bucket-addressing';

/**
 * An S3 client for one connection, addressing the bucket as DuckDB does (bucketAddressing), every
 * request through the worker's egress gate. Given a provider, it asks it before each request (a
 * refreshing one outlives a role session).
 */
export function createS3Client(
  connection: Connection,
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider,
  egress: EgressSettings,
): S3Client {
  return new S3Client({
    region: connection.region,
    credentials,
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    forcePathStyle: bucketAddressing(connection) === 'path',
    requestHandler: gatedAgents(egressGate(egress)),
    // Temporal owns retries across attempts; the SDK's own few retries smooth over blips.
    maxAttempts: 3,
  });
}
