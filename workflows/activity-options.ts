import { ActivityCancellationType, type ActivityOptions } from '@temporalio/workflow';

/**
 * Named activity option profiles; workflows pick one instead of scattering timeouts.
 * Non-retryable failures (bad input, missing permission, bad data) stop retries at once.
 */
export const shortCall: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
};

/** Scans and loads that heartbeat their progress; a lost worker is noticed within the heartbeat timeout. */
export const longScan: ActivityOptions = {
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
};

/**
 * One day's load: heartbeats per file and on a timer. Cancellation waits for the activity to
 * stop, so the import's report says truthfully whether the day was committed or left untouched.
 */
export const dayLoad: ActivityOptions = {
  ...longScan,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

/**
 * One window's export: streams from the warehouse and uploads, heartbeating per chunk and per
 * part. A lost worker is noticed within the heartbeat timeout; the retry aborts the uploads it
 * left open and writes the window again under the same keys.
 */
export const windowExport: ActivityOptions = {
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
};
