import { ApplicationFailure } from '@temporalio/common';
import { classifyDuckDBReadError } from '../duckdb/classify-read-error';
import { scrubValues } from '../workflow-safe/excerpt';
import { BAD_DATA, CORRUPT_FILE, OUT_OF_RESOURCES, S3_ACCESS_DENIED, S3_NO_SUCH_KEY } from '../workflow-safe/failure-types';

/**
 * The formats module's mapping of reader errors: classifies a DuckDB error raised while reading one S3 file: network trouble and 5xx are
 * rethrown for Temporal to retry; 403/404 and unreadable bytes fail the day naming the key.
 */
export function readFailure(error: unknown, url: string, format: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  const kind = classifyDuckDBReadError(message);
  if (kind === 'access-denied') {
    return ApplicationFailure.create({ type: S3_ACCESS_DENIED, nonRetryable: true,
      message: `reading ${url}: access denied; the connection needs s3:GetObject on this prefix (see \`s3bridge policy\`)` });
  }
  if (kind === 'not-found') {
    return ApplicationFailure.create({ type: S3_NO_SUCH_KEY, nonRetryable: true,
      message: `reading ${url}: the object is gone (deleted or renamed since it was listed); re-run the import` });
  }
  if (kind === 'transient') return error instanceof Error ? error : new Error(message);
  if (kind === 'out-of-resources') {
    // The same day on the same limits fails the same way: fail it now (the next import retries it), not after ten retries.
    return ApplicationFailure.create({
      type: OUT_OF_RESOURCES,
      nonRetryable: true,
      message: `reading ${url}: DuckDB ran out of memory and spill space (${scrubValues(message)}); raise S3BRIDGE_DUCKDB_MEMORY_LIMIT or `
        + 'S3BRIDGE_DUCKDB_MAX_TEMP_SIZE, free disk space in the spill folder ($S3BRIDGE_DATA_DIR/duckdb-tmp) or lower the import\'s concurrency, then re-run the import',
    });
  }
  return ApplicationFailure.create({
    type: CORRUPT_FILE,
    nonRetryable: true,
    // DuckDB quotes the values it failed on; history gets their excerpts only.
    message: `${url} cannot be read as ${format}: ${scrubValues(message)}${readerHint(message)}; replace or remove the file, then re-run the import`,
  });
}

/** What a reader's error usually means, where DuckDB's own words do not say. */
function readerHint(message: string): string {
  if (/state machine reached an invalid state/i.test(message)) {
    return ' (in a CSV file this is usually a file that mixes CRLF and LF line endings, or a bare CR outside quotes: RFC 4180 wants one line ending)';
  }
  return '';
}

export function badData(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: BAD_DATA, nonRetryable: true, message });
}
