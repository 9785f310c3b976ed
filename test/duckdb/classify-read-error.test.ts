import { describe, expect, it } from 'vitest';
import { classifyDuckDBReadError } from '../../src/duckdb/classify-read-error';

describe('classifyDuckDBReadError', () => {
  it.each([
    ["HTTP Error: HTTP GET error on 'http://127.0.0.1:9000/b/k.parquet' (HTTP 403)", 'access-denied'],
    ["HTTP Error: Unable to connect to URL 'http://127.0.0.1:9000/b/k.parquet': 404 (Not Found)", 'not-found'],
    ["HTTP Error: HTTP GET error on 'http://127.0.0.1:9000/b/k.parquet' (HTTP 503)", 'transient'],
    ['IO Error: Could not establish connection error for HTTP HEAD to http://127.0.0.1:1/b/k', 'transient'],
    // Seen when a proxy reset the connection mid-read (test/reliability/s3-faults).
    ["IO Error: Failed to read connection error for HTTP HEAD to 'http://127.0.0.1:37123/b/k.parquet'", 'transient'],
    // httpfs says "Unable to connect" for answered requests too: a 416 is the object's, not the network's.
    ["HTTP Error: Unable to connect to URL 'http://127.0.0.1:9000/b/k.parquet': 416 (Range Not Satisfiable)", 'unreadable'],
    ["Invalid Input Error: No magic bytes found at end of file 's3://b/k.parquet'", 'unreadable'],
    ['Out of Memory Error: failed to offload data block of size 256.0 KiB (3.9 MiB/4.0 MiB used).\nThis limit was set by the \'max_temp_directory_size\' setting.', 'out-of-resources'],
    ['IO Error: Could not write file "/data/duckdb-tmp/duckdb_temp_storage-0.tmp": No space left on device', 'out-of-resources'],
    ['Invalid Input Error: Malformed JSON in file "s3://b/k.json.gz", at byte 1 in record/value 2', 'unreadable'],
    // Retried: an expired session, S3's 400 RequestTimeout, an object rewritten while it was read.
    ["HTTP Error: HTTP GET error on 'http://127.0.0.1:9000/b/k.parquet' (HTTP 400)", 'transient'],
    ['HTTP Error: ExpiredToken: The provided token has expired.', 'transient'],
    ['IO Error: ETag on reading file "s3://b/k.parquet" was initially "a" and now it returned "b", this likely means the remote file has changed.', 'transient'],
    ["HTTP Error: HTTP GET error on 'http://127.0.0.1:9000/b/k.parquet' (HTTP 412)", 'transient'],
    // A corrupt file whose name reads like a retryable error is still corrupt.
    ["Invalid Input Error: No magic bytes found at end of file 's3://b/RequestTimeout-ExpiredToken.parquet'", 'unreadable'],
  ])('%s -> %s', (message, kind) => {
    expect(classifyDuckDBReadError(message)).toBe(kind);
  });
});
