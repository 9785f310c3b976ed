import { Runtime, DefaultLogger, type ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Settings } from '../../src/config/settings';
import { createWorker } from '../../src/worker/create-worker';

/**
 * Where a test wants the worker process to SIGKILL itself, in an activity's first attempt:
 * `before` it runs, `after` it has done its work (a day committed) but before its result reaches
 * Temporal, or `heartbeat`: `delayMs` after the first heartbeat whose `field` is at least `atLeast`
 * (file k of a day staged; the last file staged, so the commit is under way), or true (`committing`).
 */
export type CrashPoint =
  | { activity: string; when: 'before' | 'after'; nth?: number }
  | { activity: string; when: 'heartbeat'; field: string; atLeast: number; delayMs?: number; nth?: number };

const die = () => process.kill(process.pid, 'SIGKILL');

/** Kills this process with SIGKILL at the crash point; only the first attempt, so the retry on the next worker runs. */
function crashAt(point: CrashPoint): ActivityInterceptorsFactory {
  // `nth`: only the n-th first attempt of that activity type in this process (a workflow calls some
  // activities several times); without it, every first attempt (a heartbeat point picks its day itself).
  let seen = 0;
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const first = ctx.info.activityType === point.activity && ctx.info.attempt === 1;
        if (first) seen += 1;
        const hit = first && (point.nth === undefined || seen === point.nth);
        if (hit && point.when === 'before') die();
        if (hit && point.when === 'heartbeat') {
          const heartbeat = ctx.heartbeat;
          // The activity heartbeats through this same context (Context.current()).
          Object.defineProperty(ctx, 'heartbeat', {
            value: (details?: unknown) => {
              heartbeat(details);
              const value = (details as Record<string, unknown> | undefined)?.[point.field];
              if ((typeof value === 'number' && value >= point.atLeast) || (value === true && point.atLeast <= 1)) setTimeout(die, point.delayMs ?? 0);
            },
          });
        }
        const result = await next(input);
        if (hit && point.when === 'after') process.kill(process.pid, 'SIGKILL');
        return result;
      },
    },
  });
}

/**
 * A worker in its own process, for tests that kill it (SIGKILL) mid-activity. Started with tsx;
 * S3BRIDGE_TEST_WORKER holds `{ settings, workflowBundlePath, crash? }` as JSON. Prints "ready" once polling.
 */
async function main(): Promise<void> {
  const { settings, workflowBundlePath, crash } = JSON.parse(process.env.S3BRIDGE_TEST_WORKER ?? '{}') as {
    settings: Settings; workflowBundlePath: string; crash?: CrashPoint;
  };
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // The parent's settings carry no identity: this process is its own worker (pid@host).
  const { worker, nativeConnection, release } = await createWorker({
    settings: { ...settings, workerIdentity: undefined }, workflowBundlePath, overrides: crash ? { interceptors: { activity: [crashAt(crash)] } } : {},
  });
  const running = worker.run();
  console.log('ready');
  await running;
  await release();
  await nativeConnection.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
