/** One object as listing saw it; `key` is relative to the table prefix. */
export interface ListedObject {
  key: string;
  size: number;
  /** Milliseconds since the epoch (S3's LastModified). */
  lastModified: number;
}
