import type { S3Client } from '@aws-sdk/client-s3';
import { describeS3Error } from '../../s3/classify-s3-error';
import { prefixPath, prefixUri, type CheckContext, type CheckOutcome } from '../check-context';
import { s3FailureOutcome } from '../s3-failure-row';
import { listObjectsPage } from '../../s3/list-objects-page';

/** Folder names next to a missing prefix, to suggest the one the user meant; undefined when listing there is not allowed. */
async function siblingFolders(s3: S3Client, bucket: string, prefix: string): Promise<string[] | undefined> {
  const parent = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
  try {
    const listed = await listObjectsPage(s3, { Bucket: bucket, Prefix: parent, Delimiter: '/', MaxKeys: 1000 });
    return (listed.CommonPrefixes ?? []).map((p) => (p.Prefix ?? '').slice(parent.length, -1)).filter(Boolean);
  } catch (error) {
    if (describeS3Error(error).kind === 'transient') throw error;
    return undefined;
  }
}

function missingPrefixFix(prefix: string, siblings: string[] | undefined): string {
  if (!prefix) return 'the bucket is empty: upload the tables (one folder per table) or point the connection at the bucket that holds them';
  const base = `the prefix "${prefix}" does not exist (nothing is stored under it): check its spelling and case`;
  if (!siblings) return `${base}; s3bridge may not list the folder above it to suggest one`;
  const name = prefix.slice(prefix.lastIndexOf('/') + 1);
  const parent = prefix.slice(0, prefix.length - name.length);
  const near = siblings.find((s) => s.toLowerCase() === name.toLowerCase());
  if (near) return `${base}; did you mean "${parent}${near}"?`;
  if (siblings.length === 0) return `${base}; ${parent ? `"${parent}"` : 'the bucket'} holds no folders either`;
  const shown = siblings.slice(0, 10).map((s) => `"${parent}${s}"`).join(', ');
  return `${base}; folders ${parent ? `under "${parent}"` : 'at the bucket root'}: ${shown}${siblings.length > 10 ? ', ...' : ''}`;
}

/** ListBucket on the prefix works, and for a source the prefix holds something. */
export async function checkPrefixListing(ctx: CheckContext): Promise<CheckOutcome> {
  const { connection } = ctx;
  const uri = prefixUri(connection);
  const tried = `ListObjectsV2 on ${uri}`;
  const s3 = await ctx.s3();
  let count: number;
  try {
    const listed = await listObjectsPage(s3, {
      Bucket: connection.bucket, Prefix: prefixPath(connection.prefix), Delimiter: '/', MaxKeys: 1000,
    });
    count = (listed.Contents?.length ?? 0) + (listed.CommonPrefixes?.length ?? 0);
  } catch (error) {
    return s3FailureOutcome(error, connection, { action: 's3:ListBucket', tried, target: uri });
  }
  if (count > 0) return { row: { status: 'ok', tried, detail: `listing allowed; ${count}${count === 1000 ? '+' : ''} entries directly under the prefix` } };
  if (connection.direction === 'destination') {
    return { row: { status: 'ok', tried, detail: 'listing allowed; the prefix is empty (exports will create it)' } };
  }
  const siblings = await siblingFolders(s3, connection.bucket, connection.prefix);
  return {
    row: {
      status: 'failed',
      tried,
      detail: connection.prefix ? `nothing under ${uri}` : `the bucket ${connection.bucket} is empty`,
      fix: missingPrefixFix(connection.prefix, siblings),
    },
  };
}
