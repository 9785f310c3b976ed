/** What went wrong when DuckDB (httpfs) read an S3 object. */
export type DuckDBReadErrorKind = 'access-denied' | 'not-found' | 'transient' | 'out-of-resources' | 'unreadable';

/** DuckDB's memory limit and spill space were not enough (or the disk is full): not the file's fault. */
const OUT_OF_RESOURCES = /Out of Memory Error|max_temp_directory_size|No space left on device/i;
// httpfs words a dropped or reset connection in several ways ("Failed to read connection error for
// HTTP HEAD", "Could not establish connection", ...): none is the object's fault.
const TRANSIENT = /HTTP (5\d\d|429)|Could not establish connection|connection error for HTTP|Connection (refused|reset|timed out)|timed out|Timeout|Recv failure|Send failure|SSL connect error/i;

/**
 * Worth a retry although S3 answered 4xx: an expired session token (the retry resolves fresh
 * credentials), S3's 400 RequestTimeout (the connection idled mid-upload or mid-read), and an
 * object rewritten while it was read (httpfs's ETag check, or 412 Precondition Failed): the
 * retry lists and reads the new version.
 */
const RETRYABLE_4XX = /ExpiredToken|token (has|is) expired|RequestTimeout|\(HTTP 400\)|HTTP 412|Precondition Failed|ETag on reading file/i;

/**
 * Classifies a DuckDB error from reading one S3 object, once for every caller (discovery,
 * validation, import): HTTP 403 and 404 from httpfs, network trouble and 5xx/429 worth a
 * retry, and anything else, which is the bytes themselves: a retry would fail the same way.
 */
export function classifyDuckDBReadError(fullMessage: string): DuckDBReadErrorKind {
  // Quoted paths are the key's words, not the error's: a key named "RequestTimeout.parquet" is no timeout.
  const message = fullMessage.replace(/'[^']*'|"[^"]*"/g, "''");
  const http = /HTTP/i.test(message);
  if (RETRYABLE_4XX.test(message)) return 'transient';
  if (http && /\b403\b|Forbidden|AccessDenied/i.test(message)) return 'access-denied';
  if (http && /\b404\b|Not Found|NoSuchKey/i.test(message)) return 'not-found';
  if (OUT_OF_RESOURCES.test(message)) return 'out-of-resources';
  if (TRANSIENT.test(message)) return 'transient';
  return 'unreadable';
}
