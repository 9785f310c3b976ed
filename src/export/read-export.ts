import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { batchOfKey, windowKeyPrefix, type ExportFormat } from '../workflow-safe/export/export-layout';
import { listKeys } from './s3-multipart';
import { splitLines } from '../formats/ndjson';

export interface ReadBackWindow {
  keys: string[];
  /** Each line's identity: the messageId of a Segment message, the _message_id of a raw row. */
  ids: string[];
  /** Files that did not decompress or lines that did not parse, with the reason. */
  problems: string[];
}

/**
 * Reads a window's exported gzipped NDJSON files back from S3 (list, get, gunzip, parse), the
 * way a consumer would; for verifying exports of modest size (a test export, one window).
 */
export async function readBackWindow(s3: S3Client, bucket: string, layout: { prefix: string; format: ExportFormat; sourceId: string }, windowStart: number, kind: 'events' | 'raw'): Promise<ReadBackWindow> {
  const windowPrefix = windowKeyPrefix(layout.prefix, layout.format, layout.sourceId, windowStart);
  const keys = (await listKeys(s3, bucket, windowPrefix)).filter((key) => batchOfKey(windowPrefix, key) !== undefined);
  const ids: string[] = [];
  const problems: string[] = [];
  for (const key of keys) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    let text: string;
    try {
      text = gunzipSync(bytes).toString('utf8');
    } catch (error) {
      problems.push(`${key}: does not decompress (${(error as Error).message})`);
      continue;
    }
    // Lines as the formats module splits NDJSON (a BOM and CRLF tolerated, blank lines skipped).
    for (const [index, line] of splitLines(text).entries()) {
      if (line.trim() === '') continue;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        const field = kind === 'raw' ? '_message_id' : 'messageId';
        const id = parsed[field];
        if (typeof id === 'string') ids.push(id);
        else problems.push(`${key} line ${index + 1}: no ${field}`);
      } catch {
        problems.push(`${key} line ${index + 1}: not JSON`);
      }
    }
  }
  return { keys, ids, problems };
}
