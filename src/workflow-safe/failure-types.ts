/**
 * Every failure type s3bridge raises (`ApplicationFailure.type`), defined once: activities
 * raise them, workflows and the CLI branch on them, tests assert them. Workflow-safe, so a
 * workflow compares against the same constant the activity threw.
 */

// Inputs and references
/** A workflow or activity input that does not parse; never retried. */
export const INVALID_INPUT = 'InvalidInput';
export const CONNECTION_NOT_FOUND = 'ConnectionNotFound';
export const INLINE_CONNECTION_SHADOWS_STORED = 'InlineConnectionShadowsStored';
export const CONNECTION_NOT_ACTIVE = 'ConnectionNotActive';
/** A connection stored by an earlier release breaks a rule added since (see docs/connections.md). */
export const STORED_CONNECTION_OUTDATED = 'StoredConnectionOutdated';
export const NOT_A_SOURCE_CONNECTION = 'NotASourceConnection';
export const NOT_A_DESTINATION_CONNECTION = 'NotADestinationConnection';
export const TABLE_NOT_DISCOVERED = 'TableNotDiscovered';
export const NO_PENDING_DRIFT = 'NoPendingDrift';
export const DESTINATION_LOCATION_IN_USE = 'DestinationLocationInUse';

// Secrets, endpoints, the warehouse's query gate
export const SECRET_UNRESOLVED = 'SecretUnresolved';
export const SECRET_REFUSED = 'SecretRefused';
export const ENDPOINT_REFUSED = 'EndpointRefused';
/** A sample or probe read more than its cap (a server that ignores Range), or a listing that never ends. */
export const READ_LIMIT_EXCEEDED = 'ReadLimitExceeded';
/** A connection would sign with the worker's own AWS credentials without the worker's grant. */
export const WORKER_CREDENTIALS_REFUSED = 'WorkerCredentialsRefused';
export const QUERY_REFUSED = 'QueryRefused';
/** A `s3bridge sql` query interrupted at its timeout; not retried (it would run as long again). */
export const QUERY_TIMED_OUT = 'QueryTimedOut';
/** As many `s3bridge sql` queries as a worker runs at once are already running; the workflow waits on timers for a place (up to a minute), then fails with it. */
export const QUERY_BUSY = 'QueryBusy';

// A day's load: each non-retryable, since retrying the same bytes fails the same way
export const BAD_DATA = 'BadData';
export const CORRUPT_FILE = 'CorruptFile';
export const SCHEMA_DRIFT = 'SchemaDrift';
export const SCHEMA_DRIFT_PENDING = 'SchemaDriftPending';
export const INVALID_MAPPING = 'InvalidMapping';
export const INVALID_COLUMN_TYPE = 'InvalidColumnType';
export const OUT_OF_RESOURCES = 'OutOfResources';
export const UNIT_SCHEME_CHANGED = 'UnitSchemeChanged';
/** An import finished with failed days (`failOnFailedDays`). */
export const IMPORT_DAYS_FAILED = 'ImportDaysFailed';
export const NO_SAMPLE_FILE = 'NoSampleFile';

// Export
export const EXPORT_SOURCE_INVALID = 'ExportSourceInvalid';
/** Another stream (another table, clock or purpose) already writes the export's folder. */
export const EXPORT_PATH_CLAIMED = 'ExportPathClaimed';

/**
 * S3 failures carry the service's own error code after `S3` (`S3AccessDenied`,
 * `S3NoSuchBucket`...): the code set is S3's, so it is built here, never by hand.
 */
export function s3FailureType(code: string): string {
  return `S3${code}`;
}
export const S3_ACCESS_DENIED = s3FailureType('AccessDenied');
export const S3_NO_SUCH_KEY = s3FailureType('NoSuchKey');
