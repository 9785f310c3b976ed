import { Context } from '@temporalio/activity';
import { scrubValues } from '../workflow-safe/excerpt';

/**
 * Write-write races between workers sharing the lake and the Postgres catalog: DuckLake's
 * commit conflicts (it retries the harmless ones itself; these are the rest), Postgres
 * serialization failures and deadlocks, and two workers creating the same table at once.
 */
const CONFLICT = /Failed to commit DuckLake transaction|Transaction conflict|conflict on|could not serialize|deadlock detected|duplicate key value violates unique constraint "pg_|already exists/i;

function isWriteConflict(error: unknown): boolean {
  return CONFLICT.test(error instanceof Error ? error.message : String(error));
}

/** Runs `fn` again (a fresh transaction each time) while it loses write races; other errors pass through. */
export async function retryConflicts<T>(fn: () => Promise<T>, attempts = 30): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (!isWriteConflict(error) || attempt >= attempts) throw error;
      // Logged, so an operator (and the scale-out bench) sees how often workers collide; values out
      // (quoted ones excerpted, Postgres's unquoted `Key (...)=(value)` dropped).
      activityLog()?.warn('lost a write race in the shared store; retrying the transaction', { attempt, error: scrubValues(String(error).replace(/=\([^)]*\)/g, '=(...)')).slice(0, 200) });
      // Jittered backoff so two workers that collided do not collide again in step.
      const delay = Math.min(2_000, 50 * 1.5 ** attempt) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function activityLog() {
  try {
    return Context.current().log;
  } catch {
    return undefined; // not in an activity (the CLI)
  }
}
