/** The AWS partition of a region: China and GovCloud ARNs differ from the commercial one. */
function awsPartition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * A key prefix as IAM reads it literally: in ARNs and `StringLike` conditions `*` and `?` are
 * wildcards and `${...}` a policy variable, so a prefix `team?` would also grant `teamA/` and
 * `teamB/`. Each of the three characters becomes its IAM escape (`${*}`, `${?}`, `${$}`).
 */
export function iamLiteral(text: string): string {
  return text.replace(/[$*?]/g, (c) => `\${${c}}`);
}

export function bucketArn(region: string, bucket: string): string {
  return `arn:${awsPartition(region)}:s3:::${bucket}`;
}

/** Every object under the prefix, or the whole bucket when the prefix is empty. */
export function objectsArn(region: string, bucket: string, prefix: string): string {
  return `${bucketArn(region, bucket)}/${prefix ? `${iamLiteral(prefix)}/` : ''}*`;
}
