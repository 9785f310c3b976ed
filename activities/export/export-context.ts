import type { S3Client } from '@aws-sdk/client-s3';
import type { DestinationConnection } from '../../src/workflow-safe/connection';
import { resolveCredentials } from '../../src/s3/resolve-credentials';
import type { ActivityDeps } from '../deps';
import { createS3Client } from '../../src/s3/create-s3-client';

/** An S3 client with the destination's own credentials (resolved here, on the worker, within its secret and endpoint settings). */
export async function destinationS3(destination: DestinationConnection, { settings, catalog }: Pick<ActivityDeps, 'settings' | 'catalog'>): Promise<S3Client> {
  return createS3Client(destination, await resolveCredentials(destination, settings, catalog), settings);
}
