import type { S3Client } from '@aws-sdk/client-s3';
import type { DestinationConnection } from '../../src/workflow-safe/connection';
import { resolveCredentials } from '../../src/s3/resolve-credentials';
import type { ActivityDeps } from '../deps';
import { createS3Client } from '../../src/s3/create-s3-client';
import { toS3Failure } from '../../src/s3/classify-s3-error';

/** An S3 client with the destination's own credentials (resolved here, on the worker, within its secret and endpoint settings). */
export async function destinationS3(destination: DestinationConnection, { settings, catalog }: Pick<ActivityDeps, 'settings' | 'catalog'>): Promise<S3Client> {
  return createS3Client(destination, await resolveCredentials(destination, settings, catalog), settings);
}

/** An S3 service error as its typed failure (terminal ones non-retryable), saying what was being done; any other error as is. */
export function classifyExportError(error: unknown, what: string): unknown {
  return (error as { $metadata?: unknown }).$metadata !== undefined ? toS3Failure(error, what) : error;
}
