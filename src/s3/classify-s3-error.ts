import { ApplicationFailure } from '@temporalio/common';
import { ENDPOINT_REFUSED, s3FailureType } from '../workflow-safe/failure-types';

type S3ErrorKind =
  | 'access-denied'
  | 'invalid-credentials'
  | 'no-such-bucket'
  | 'no-such-key'
  | 'wrong-region'
  | 'encryption-required'
  | 'egress-refused'
  | 'transient'
  | 'other';

export interface S3ErrorInfo {
  kind: S3ErrorKind;
  /** The S3 error code (`AccessDenied`, `NoSuchBucket`, ...) or the network error code. */
  code: string;
  status: number | undefined;
  /** For wrong-region: the region S3 says the bucket is in, when it says. */
  bucketRegion: string | undefined;
  message: string;
}

const TRANSIENT_CODES = new Set([
  'SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeout', 'RequestTimeTooSkewed',
  // An expired session (the retry resolves fresh credentials) and an object rewritten mid-read (the retry reads the new one).
  'ExpiredToken', 'TokenRefreshRequired', 'PreconditionFailed',
  'InternalError', 'ServiceUnavailable', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE',
  'ENOTFOUND', 'EAI_AGAIN', 'TimeoutError', 'XMinioServerNotInitialized',
]);

/** Classifies an AWS SDK S3 error once, where it arises. */
export function describeS3Error(error: unknown): S3ErrorInfo {
  const e = error as {
    name?: string; Code?: string; code?: string; message?: string;
    $metadata?: { httpStatusCode?: number };
    $response?: { headers?: Record<string, string> };
    Region?: string;
  };
  const code = e.Code ?? e.name ?? e.code ?? 'Unknown';
  const status = e.$metadata?.httpStatusCode;
  const headerRegion = e.$response?.headers?.['x-amz-bucket-region'];
  const bucketRegion = e.Region ?? headerRegion;
  const message = e.message ?? String(error);
  const info = (kind: S3ErrorKind): S3ErrorInfo => ({ kind, code, status, bucketRegion, message });
  // The worker's egress gate refused the address (src/egress/): its message says why and what to allow.
  if (code === 'EgressRefused') return info('egress-refused');
  if (code === 'NoSuchBucket') return info('no-such-bucket');
  if (code === 'NoSuchKey' || (code === 'NotFound' && status === 404)) return info('no-such-key');
  if (['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException'].includes(code)) {
    return info('wrong-region');
  }
  if (status === 301) return info('wrong-region');
  if (TRANSIENT_CODES.has(code)) return info('transient');
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'CredentialsProviderError'].includes(code)) {
    return info('invalid-credentials');
  }
  if (code === 'AccessDenied' || code === 'Forbidden' || status === 403) {
    // A bucket policy that denies unencrypted uploads answers AccessDenied too; the caller knows whether it sent SSE headers.
    return info('access-denied');
  }
  if (TRANSIENT_CODES.has(code) || (status !== undefined && status >= 500) || status === 429) return info('transient');
  if (e.code && /^E[A-Z]+$/.test(e.code)) return info('transient');
  return info('other');
}

/**
 * Turns an S3 error into what Temporal should do with it: transient errors are rethrown for
 * retry; everything else becomes a non-retryable failure whose message names the operation
 * and the object, and says what to check.
 */
export function toS3Failure(error: unknown, what: string): Error {
  const info = describeS3Error(error);
  if (info.kind === 'transient') return error instanceof Error ? error : new Error(String(error));
  if (info.kind === 'egress-refused') return ApplicationFailure.create({ type: ENDPOINT_REFUSED, nonRetryable: true, message: `${what}: ${info.message}` });
  const hint: Record<S3ErrorKind, string> = {
    'access-denied': 'the credentials lack the permission for this action; see `s3bridge policy` for the statement to add',
    'invalid-credentials': 'the access key, secret or session token is wrong or expired',
    'no-such-bucket': 'the bucket does not exist; check the bucket name',
    'no-such-key': 'the object does not exist (deleted or renamed since it was listed?)',
    'wrong-region': `the bucket is in another region${info.bucketRegion ? ` (${info.bucketRegion})` : ''}; fix the connection's region`,
    'encryption-required': 'the bucket policy requires server-side encryption',
    'egress-refused': info.message,
    transient: '',
    other: 'unexpected S3 error',
  };
  return ApplicationFailure.create({
    type: s3FailureType(info.code),
    nonRetryable: true,
    message: `${what}: ${info.code}${info.status ? ` (HTTP ${info.status})` : ''}: ${hint[info.kind]}`,
  });
}
