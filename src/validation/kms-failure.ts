import { describeS3Error } from '../s3/classify-s3-error';
import type { DestinationConnection } from '../workflow-safe/connection';
import { connectionPolicies } from '../workflow-safe/policies/connection-policies';
import type { CheckOutcome } from './check-context';

/** A write refused by KMS (unknown key, disabled key, no kms:GenerateDataKey), or undefined for other errors. */
export function kmsFailure(error: unknown, connection: DestinationConnection, tried: string): CheckOutcome | undefined {
  if (connection.encryption.type !== 'aws:kms') return undefined;
  const info = describeS3Error(error);
  const isKms = /^(kms[:.]|KMS)/i.test(info.code) || /\bkms\b/i.test(info.message);
  if (!isKms || info.kind === 'transient') return undefined;
  const keyId = connection.encryption.kmsKeyArn;
  const statement = connectionPolicies(connection).kmsKeyPolicyStatement!;
  return {
    row: {
      status: 'failed',
      tried,
      detail: `KMS refused key ${keyId}: ${info.code}${info.status ? ` (HTTP ${info.status})` : ''}: ${info.message}`,
      fix: `check kmsKeyArn (the key must exist in ${connection.region} and be enabled) and let s3bridge use it: add to the key policy ${JSON.stringify(statement)}`,
      missingAction: info.kind === 'access-denied' ? 'kms:GenerateDataKey' : undefined,
    },
  };
}
