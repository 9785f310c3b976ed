import { TemporalFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { scrubValues } from '../workflow-safe/excerpt';

/**
 * An unexpected error leaving an activity (a raw DuckDB or driver error nobody classified) goes
 * into history and the worker's log with its message and stack. Its quoted values are reduced to
 * excerpts there, as in the failures activities raise themselves; those (Temporal failures) pass
 * through untouched, their messages are already built from excerpts.
 */
export function scrubActivityError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof TemporalFailure) return error;
  const scrubbed = scrubValues(error.message);
  if (scrubbed === error.message) return error;
  // The stack's first lines repeat the message: keep only its frames.
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  error.message = scrubbed;
  error.stack = [`${error.name}: ${scrubbed}`, ...frames].join('\n');
  return error;
}

/** The worker's activity interceptor that applies scrubActivityError to every activity. */
export const scrubActivityErrors: ActivityInterceptorsFactory = () => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (error) {
        throw scrubActivityError(error);
      }
    },
  },
});
