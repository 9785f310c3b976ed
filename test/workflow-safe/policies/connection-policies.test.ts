import { describe, expect, it } from 'vitest';
import { Connection } from '../../../src/workflow-safe/connection';
import { connectionPolicies } from '../../../src/workflow-safe/policies/connection-policies';

const role = 'arn:aws:iam::123456789012:role/s3bridge-reader';
const source = Connection.parse({
  name: 'audiences',
  direction: 'source',
  region: 'eu-west-1',
  bucket: 'acme-data',
  prefix: 'exports/audiences',
  auth: { type: 'assume-role', roleArn: role, externalId: 'acme-workspace-42' },
});

describe('connectionPolicies', () => {
  it('scopes a source to its prefix: ListBucket with an s3:prefix condition, GetBucketLocation, GetObject on prefix/*', () => {
    const policies = connectionPolicies(source, { workerPrincipal: 'arn:aws:iam::999999999999:role/s3bridge-worker' });
    expect(policies.identityPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ListPrefix',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::acme-data',
          Condition: { StringLike: { 's3:prefix': ['exports/audiences', 'exports/audiences/*'] } },
        },
        { Sid: 'GetBucketLocation', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: 'arn:aws:s3:::acme-data' },
        { Sid: 'ReadObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-data/exports/audiences/*' },
      ],
    });
    expect(policies.bucketPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ListPrefix',
          Effect: 'Allow',
          Principal: { AWS: role },
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::acme-data',
          Condition: { StringLike: { 's3:prefix': ['exports/audiences', 'exports/audiences/*'] } },
        },
        { Sid: 'GetBucketLocation', Effect: 'Allow', Principal: { AWS: role }, Action: 's3:GetBucketLocation', Resource: 'arn:aws:s3:::acme-data' },
        { Sid: 'ReadObjects', Effect: 'Allow', Principal: { AWS: role }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-data/exports/audiences/*' },
      ],
    });
    expect(policies.trustPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'AllowS3bridgeToAssumeRole',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999999999999:role/s3bridge-worker' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'acme-workspace-42' } },
      }],
    });
    expect(policies.kmsKeyPolicyStatement).toBeUndefined();
  });

  it('adds write, delete and multipart actions and the KMS statements for an aws:kms destination', () => {
    const destination = Connection.parse({
      ...source,
      name: 'segment-out',
      direction: 'destination',
      prefix: 'segment-logs',
      encryption: { type: 'aws:kms', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
    });
    const policies = connectionPolicies(destination);
    expect(policies.identityPolicy.Statement).toEqual([
      {
        Sid: 'ListPrefix',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::acme-data',
        Condition: { StringLike: { 's3:prefix': ['segment-logs', 'segment-logs/*'] } },
      },
      { Sid: 'GetBucketLocation', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: 'arn:aws:s3:::acme-data' },
      { Sid: 'ListMultipartUploads', Effect: 'Allow', Action: 's3:ListBucketMultipartUploads', Resource: 'arn:aws:s3:::acme-data' },
      {
        Sid: 'WriteObjects',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        Resource: 'arn:aws:s3:::acme-data/segment-logs/*',
      },
      {
        Sid: 'UseKmsKey',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      },
    ]);
    // KMS grants go in the key policy, not the bucket policy.
    expect(policies.bucketPolicy.Statement.map((s) => s.Sid)).toEqual(['ListPrefix', 'GetBucketLocation', 'ListMultipartUploads', 'WriteObjects']);
    expect(policies.kmsKeyPolicyStatement).toEqual({
      Sid: 'AllowS3bridgeToUseKey',
      Effect: 'Allow',
      Principal: { AWS: role },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
    });
    expect(policies.trustPolicy?.Statement[0]?.Principal).toEqual({ AWS: 'arn:aws:iam::<S3BRIDGE_ACCOUNT_ID>:role/<S3BRIDGE_WORKER_ROLE>' });
  });

  it('grants the whole bucket only when the prefix is empty, with the partition of the region', () => {
    const whole = Connection.parse({
      name: 'whole', direction: 'source', region: 'cn-north-1', bucket: 'acme-cn', auth: { type: 'default-chain' },
    });
    const policies = connectionPolicies(whole, { principal: 'arn:aws-cn:iam::123456789012:user/reader' });
    expect(policies.identityPolicy.Statement).toEqual([
      { Sid: 'ListBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws-cn:s3:::acme-cn' },
      { Sid: 'GetBucketLocation', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: 'arn:aws-cn:s3:::acme-cn' },
      { Sid: 'ReadObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws-cn:s3:::acme-cn/*' },
    ]);
    expect(policies.bucketPolicy.Statement[0]?.Principal).toEqual({ AWS: 'arn:aws-cn:iam::123456789012:user/reader' });
    expect(policies.trustPolicy).toBeUndefined();
  });
});
