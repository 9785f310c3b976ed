import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import type { Settings } from '../config/settings';
import { s3bridgeDataConverter } from '../codec/data-converter';
import { createActivities } from '../../activities';
import { WORKFLOWS_PATH } from './workflows-path';
import { buildDeps, workerIdentity, type BuiltDeps } from './build-deps';
import { acquireEmbeddedWorkerLock } from './embedded-worker-lock';
import { temporalProfile } from '../config/temporal-connection';
import { scrubActivityErrors } from './scrub-activity-errors';

export interface CreateWorkerOptions {
  settings: Settings;
  connection?: NativeConnection;
  /** A prebuilt bundle (tests build one per run); the worker bundles `workflows/` otherwise. */
  workflowBundlePath?: string;
  /**
   * Payload encoding; from the environment by default (AES-GCM when `S3BRIDGE_CODEC_KEY` is set).
   * A prebuilt bundle must be built with the same `failureConverterPath`.
   */
  dataConverter?: DataConverter;
  overrides?: Partial<WorkerOptions>;
  /** Prebuilt dependencies (buildDeps(settings, { worker: true })); built from the settings otherwise. */
  deps?: BuiltDeps;
}

/**
 * Builds the s3bridge worker: every workflow in `workflows/`, every activity in `activities/`,
 * with the catalog store and the sink built once here. `release()` frees them after run().
 */
export async function createWorker({ settings, connection, workflowBundlePath, dataConverter = s3bridgeDataConverter(), overrides, deps: given }: CreateWorkerOptions) {
  const unlock = settings.store === 'embedded' ? acquireEmbeddedWorkerLock(settings) : () => undefined;
  const deps = given ?? buildDeps(settings, { worker: true });
  try {
    // A warehouse of an older layout is upgraded before the first task (one transaction).
    await deps.sink.prepare();
    const nativeConnection = connection ?? (await NativeConnection.connect({ ...temporalProfile().connectionOptions, address: settings.temporalAddress }));
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: settings.temporalNamespace,
      taskQueue: settings.taskQueue,
      identity: workerIdentity(settings),
      activities: createActivities(deps),
      // Customer values out of history and logs, also in errors nobody classified.
      interceptors: { activity: [scrubActivityErrors] },
      ...(dataConverter ? { dataConverter } : {}),
      ...(workflowBundlePath ? { workflowBundle: { codePath: workflowBundlePath } } : { workflowsPath: WORKFLOWS_PATH }),
      // DuckDB work is CPU and memory heavy; a few concurrent loads per worker keep memory bounded.
      maxConcurrentActivityTaskExecutions: 8,
      ...overrides,
    });
    const release = async () => {
      await deps.close();
      unlock();
    };
    return { worker, nativeConnection, ownsConnection: connection === undefined, deps, release };
  } catch (error) {
    await deps.close();
    unlock();
    throw error;
  }
}
