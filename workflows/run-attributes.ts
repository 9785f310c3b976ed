import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import {
  S3BRIDGE_CONNECTION, S3BRIDGE_FAILED_DAYS, S3BRIDGE_KIND, S3BRIDGE_TABLE, type RunKind,
} from '../src/workflow-safe/observability/search-attributes';

/**
 * Runs recorded before s3bridge tagged its runs (committed histories, runs open during a deploy)
 * replay without the upserts: the patch marker is only in histories that made them.
 */
const TAGGED_RUNS = 's3bridge-search-attributes';

/**
 * Tags the run with s3bridge's typed search attributes (connection, table, kind), whoever
 * started it: the CLI, a Schedule or the Temporal UI. The worker refuses to start when they are
 * not registered, since an upsert of an unknown attribute would fail every workflow task.
 */
export function tagRun(run: { connection: string; table?: string; kind: RunKind }): void {
  if (!patched(TAGGED_RUNS)) return;
  upsertSearchAttributes([
    { key: S3BRIDGE_CONNECTION, value: run.connection },
    { key: S3BRIDGE_KIND, value: run.kind },
    ...(run.table ? [{ key: S3BRIDGE_TABLE, value: run.table }] : []),
  ]);
}

/** Records how many days of an import failed (0 while running and on success). */
export function tagFailedDays(failed: number): void {
  if (!patched(TAGGED_RUNS)) return;
  upsertSearchAttributes([{ key: S3BRIDGE_FAILED_DAYS, value: failed }]);
}
