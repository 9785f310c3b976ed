import { ListObjectsV2Command, type ListObjectsV2CommandInput, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';

/**
 * S3's url encoding of names in a listing: percent-encoding with a space as `+` (a literal
 * `+` comes as `%2B`). Asking for it is what lets keys holding control characters, which
 * XML 1.0 cannot carry, be listed at all.
 */
function decodeListedName(name: string): string {
  return decodeURIComponent(name.replaceAll('+', ' '));
}

/**
 * One ListObjectsV2 page with url-encoded names (EncodingType=url), decoded back to the
 * exact keys and folder prefixes, so every key s3bridge reads is the object's real name.
 */
export async function listObjectsPage(s3: S3Client, input: Omit<ListObjectsV2CommandInput, 'EncodingType'>): Promise<ListObjectsV2CommandOutput> {
  const page = await s3.send(new ListObjectsV2Command({ ...input, EncodingType: 'url' }));
  if (page.EncodingType !== 'url') return page;
  return {
    ...page,
    Contents: page.Contents?.map((o) => (o.Key === undefined ? o : { ...o, Key: decodeListedName(o.Key) })),
    CommonPrefixes: page.CommonPrefixes?.map((p) => (p.Prefix === undefined ? p : { ...p, Prefix: decodeListedName(p.Prefix) })),
  };
}
