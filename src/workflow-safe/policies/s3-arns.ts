/** The AWS partition of a region: China and GovCloud ARNs differ from the commercial one. */
function awsPartition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function bucketArn(region: string, bucket: string): string {
  return `arn:${awsPartition(region)}:s3:::${bucket}`;
}

/** Every object under the prefix, or the whole bucket when the prefix is empty. */
export function objectsArn(region: string, bucket: string, prefix: string): string {
  return `${bucketArn(region, bucket)}/${prefix ? `${prefix}/` : ''}*`;
}
