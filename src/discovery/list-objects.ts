import type { S3Client } from '@aws-sdk/client-s3';
import type { ListedObject } from '../workflow-safe/discovery/listed-object';
import { toS3Failure } from '../s3/classify-s3-error';
import { listObjectsPage } from '../s3/list-objects-page';
import { ListingGuard } from '../s3/listing-guard';

/** One level of a prefix: its sub-folders (full prefixes, ending with "/") and the objects directly in it. */
export interface FolderLevel {
  folders: string[];
  objects: ListedObject[];
}

/** Lists one level below `prefix` (ListObjectsV2 with the "/" delimiter), every page (a listing that does not end is stopped: ListingGuard). */
export async function listFolderLevel(s3: S3Client, bucket: string, prefix: string): Promise<FolderLevel> {
  const level: FolderLevel = { folders: [], objects: [] };
  const guard = new ListingGuard(`s3://${bucket}/${prefix}`);
  let token: string | undefined;
  do {
    const page = await listObjectsPage(s3, { Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token })
      .catch((error: unknown) => { throw toS3Failure(error, `listing s3://${bucket}/${prefix}`); });
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) level.folders.push(p.Prefix);
    for (const o of page.Contents ?? []) {
      if (o.Key) level.objects.push({ key: o.Key.slice(prefix.length), size: o.Size ?? 0, lastModified: o.LastModified?.getTime() ?? 0 });
    }
    token = guard.next(page);
  } while (token);
  return level;
}

/**
 * Lists every object below `prefix` (keys relative to it), page by page. `onPage` sees the
 * running count, so a long listing can heartbeat.
 */
export async function listAllObjects(
  s3: S3Client,
  bucket: string,
  prefix: string,
  onPage?: (listed: number) => void,
): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  const guard = new ListingGuard(`s3://${bucket}/${prefix}`);
  let token: string | undefined;
  do {
    const page = await listObjectsPage(s3, { Bucket: bucket, Prefix: prefix, ContinuationToken: token })
      .catch((error: unknown) => { throw toS3Failure(error, `listing s3://${bucket}/${prefix}`); });
    for (const o of page.Contents ?? []) {
      if (o.Key) objects.push({ key: o.Key.slice(prefix.length), size: o.Size ?? 0, lastModified: o.LastModified?.getTime() ?? 0 });
    }
    onPage?.(objects.length);
    token = guard.next(page);
  } while (token);
  return objects;
}
