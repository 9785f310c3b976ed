import type { ServerSideEncryption } from '@aws-sdk/client-s3';
import type { Encryption } from '../workflow-safe/connection';

/** The PutObject / CreateMultipartUpload headers for a destination's server-side encryption. */
export function sseParams(encryption: Encryption): { ServerSideEncryption?: ServerSideEncryption; SSEKMSKeyId?: string } {
  switch (encryption.type) {
    case 'none':
      return {};
    case 'AES256':
      return { ServerSideEncryption: 'AES256' };
    case 'aws:kms':
      return { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: encryption.kmsKeyArn };
  }
}
