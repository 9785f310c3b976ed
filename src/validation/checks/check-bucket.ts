import { GetBucketLocationCommand } from '@aws-sdk/client-s3';
import type { CheckContext, CheckOutcome } from '../check-context';
import { s3FailureOutcome } from '../s3-failure-row';

/** GetBucketLocation answers "" for us-east-1 and the legacy "EU" for eu-west-1. */
function regionOf(locationConstraint: string | undefined): string {
  if (!locationConstraint) return 'us-east-1';
  return locationConstraint === 'EU' ? 'eu-west-1' : locationConstraint;
}

/** The bucket exists and GetBucketLocation matches the connection's region. */
export async function checkBucket(ctx: CheckContext): Promise<CheckOutcome> {
  const { connection } = ctx;
  const tried = `GetBucketLocation on ${connection.bucket}`;
  let region: string;
  try {
    const s3 = await ctx.s3();
    const answer = await s3.send(new GetBucketLocationCommand({ Bucket: connection.bucket }));
    region = regionOf(answer.LocationConstraint);
  } catch (error) {
    return s3FailureOutcome(error, connection, { action: 's3:GetBucketLocation', tried, target: `bucket ${connection.bucket}` });
  }
  if (region !== connection.region) {
    return {
      row: {
        status: 'failed',
        tried,
        detail: `the bucket is in ${region}, the connection says ${connection.region}`,
        fix: `set region to "${region}"`,
      },
    };
  }
  return { row: { status: 'ok', tried, detail: `the bucket exists in ${region}` } };
}
