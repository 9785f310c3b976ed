import type { Connection } from '../connection';
import type { PolicyStatement } from './policy-document';
import { bucketArn, iamLiteral, objectsArn } from './s3-arns';

/**
 * The least-privilege statements for one connection, in the identity-policy form (attached to
 * the role or user s3bridge runs as). Every object statement is scoped to the prefix.
 */

type Scope = Pick<Connection, 'region' | 'bucket' | 'prefix'>;

/** The KMS actions a writer needs: a data key per object, and Decrypt to complete multipart uploads. */
export const KMS_WRITE_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/**
 * What a destination's writer calls on its objects, and nothing more: each action is one the
 * reference integrations grant their exports (Statsig's export policy) and one s3bridge uses.
 */
const DESTINATION_OBJECT_ACTIONS = [
  // PutObject, and CreateMultipartUpload / UploadPart / CompleteMultipartUpload of exports' uploads.
  's3:PutObject',
  // A migration reads its test export back to verify it.
  's3:GetObject',
  // A re-run window's or a removed export's objects.
  's3:DeleteObject',
  // The uploads a killed worker left open.
  's3:AbortMultipartUpload',
];

export function listBucketStatement(c: Scope): PolicyStatement {
  return {
    Sid: c.prefix ? 'ListPrefix' : 'ListBucket',
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: bucketArn(c.region, c.bucket),
    // The prefix itself and everything below it; listing elsewhere in the bucket stays denied.
    ...(c.prefix ? { Condition: { StringLike: { 's3:prefix': [iamLiteral(c.prefix), `${iamLiteral(c.prefix)}/*`] } } } : {}),
  };
}

/** Exports abort multipart uploads a killed worker left open under a window's prefix: they must list them. */
export function listMultipartUploadsStatement(c: Scope): PolicyStatement {
  return { Sid: 'ListMultipartUploads', Effect: 'Allow', Action: 's3:ListBucketMultipartUploads', Resource: bucketArn(c.region, c.bucket) };
}

export function bucketLocationStatement(c: Scope): PolicyStatement {
  return { Sid: 'GetBucketLocation', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: bucketArn(c.region, c.bucket) };
}

export function readObjectsStatement(c: Scope): PolicyStatement {
  return { Sid: 'ReadObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: objectsArn(c.region, c.bucket, c.prefix) };
}

export function writeObjectsStatement(c: Scope, actions: string[] = DESTINATION_OBJECT_ACTIONS): PolicyStatement {
  return {
    Sid: 'WriteObjects',
    Effect: 'Allow',
    Action: actions.length === 1 ? actions[0]! : actions,
    Resource: objectsArn(c.region, c.bucket, c.prefix),
  };
}

export function kmsKeyStatement(kmsKeyArn: string): PolicyStatement {
  return { Sid: 'UseKmsKey', Effect: 'Allow', Action: KMS_WRITE_ACTIONS, Resource: kmsKeyArn };
}

/** The one statement that grants a single missing action (what a failed check tells the user to add). */
export function statementGranting(c: Scope, action: string): PolicyStatement {
  switch (action) {
    case 's3:ListBucket':
      return listBucketStatement(c);
    case 's3:GetBucketLocation':
      return bucketLocationStatement(c);
    case 's3:GetObject':
      return readObjectsStatement(c);
    default:
      return writeObjectsStatement(c, [action]);
  }
}
