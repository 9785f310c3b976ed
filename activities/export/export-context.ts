import type { S3Client } from '@aws-sdk/client-s3';
import type { DestinationConnection } from '../../src/shared/connection';
import { resolveCredentials } from '../../src/s3/resolve-credentials';
import { createS3Client } from '../../src/s3/create-s3-client';

/** An S3 client with the destination's own credentials (resolved here, on the worker). */
export async function destinationS3(destination: DestinationConnection): Promise<S3Client> {
  return createS3Client(destination, await resolveCredentials(destination));
}
