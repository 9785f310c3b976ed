import type { Connection } from '../connection';
import {
  bucketLocationStatement,
  kmsKeyStatement,
  KMS_WRITE_ACTIONS,
  listBucketStatement,
  listMultipartUploadsStatement,
  readObjectsStatement,
  writeObjectsStatement,
} from './connection-statements';
import { policyDocument, type PolicyDocument, type PolicyStatement } from './policy-document';

/** Stands in for an ARN only the user knows; the CLI says which option fills it. */
const PRINCIPAL_PLACEHOLDER = 'arn:aws:iam::<ACCOUNT_ID>:role/<ROLE_NAME>';
const WORKER_PRINCIPAL_PLACEHOLDER = 'arn:aws:iam::<S3BRIDGE_ACCOUNT_ID>:role/<S3BRIDGE_WORKER_ROLE>';

export interface PolicyOptions {
  /** Who reads or writes the bucket (the role or user); the connection's role ARN when it assumes one. */
  principal?: string;
  /** Who assumes the role: the identity the s3bridge worker runs as (for the trust policy). */
  workerPrincipal?: string;
}

export interface ConnectionPolicies {
  /** Attach to the role or user s3bridge uses (IAM identity policy). */
  identityPolicy: PolicyDocument;
  /** The same grants as a bucket policy, for a principal in another account (Statsig's and Permutive's model). */
  bucketPolicy: PolicyDocument;
  /** The role's trust relationship, only for assume-role connections (Segment's model). */
  trustPolicy?: PolicyDocument;
  /** The statement to add to the KMS key's policy, only for destinations writing with aws:kms. */
  kmsKeyPolicyStatement?: PolicyStatement;
}

/** The identity-policy statements a connection needs, scoped to its prefix. */
export function accessStatements(connection: Connection): PolicyStatement[] {
  const statements = [listBucketStatement(connection), bucketLocationStatement(connection)];
  if (connection.direction === 'source') return [...statements, readObjectsStatement(connection)];
  statements.push(listMultipartUploadsStatement(connection), writeObjectsStatement(connection));
  if (connection.encryption.type === 'aws:kms') statements.push(kmsKeyStatement(connection.encryption.kmsKeyArn));
  return statements;
}

function principalOf(connection: Connection, options: PolicyOptions): string {
  return options.principal ?? (connection.auth.type === 'assume-role' ? connection.auth.roleArn : PRINCIPAL_PLACEHOLDER);
}

/** The least-privilege JSON a user pastes into AWS for this connection. Pure: no I/O. */
export function connectionPolicies(connection: Connection, options: PolicyOptions = {}): ConnectionPolicies {
  const principal = principalOf(connection, options);
  const statements = accessStatements(connection);
  const policies: ConnectionPolicies = {
    identityPolicy: policyDocument(statements),
    // KMS permissions belong in the key policy (below), not in a bucket policy.
    bucketPolicy: policyDocument(
      statements.filter((s) => s.Sid !== 'UseKmsKey').map((s) => ({ Sid: s.Sid, Effect: s.Effect, Principal: { AWS: principal }, Action: s.Action, Resource: s.Resource, ...(s.Condition ? { Condition: s.Condition } : {}) })),
    ),
  };
  if (connection.auth.type === 'assume-role') {
    policies.trustPolicy = policyDocument([{
      Sid: 'AllowS3bridgeToAssumeRole',
      Effect: 'Allow',
      Principal: { AWS: options.workerPrincipal ?? WORKER_PRINCIPAL_PLACEHOLDER },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': connection.auth.externalId } },
    }]);
  }
  if (connection.direction === 'destination' && connection.encryption.type === 'aws:kms') {
    policies.kmsKeyPolicyStatement = {
      Sid: 'AllowS3bridgeToUseKey',
      Effect: 'Allow',
      Principal: { AWS: principal },
      Action: KMS_WRITE_ACTIONS,
      // In a key policy, "*" means this key.
      Resource: '*',
    };
  }
  return policies;
}
