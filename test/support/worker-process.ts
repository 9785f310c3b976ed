import { Runtime, DefaultLogger } from '@temporalio/worker';
import type { Settings } from '../../src/config/settings';
import { createWorker } from '../../src/worker/create-worker';

/**
 * A worker in its own process, for tests that kill it (SIGKILL) mid-activity. Started with tsx;
 * S3BRIDGE_TEST_WORKER holds `{ settings, workflowBundlePath }` as JSON. Prints "ready" once polling.
 */
async function main(): Promise<void> {
  const { settings, workflowBundlePath } = JSON.parse(process.env.S3BRIDGE_TEST_WORKER ?? '{}') as { settings: Settings; workflowBundlePath: string };
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // The parent's settings carry no identity: this process is its own worker (pid@host).
  const { worker, nativeConnection, release } = await createWorker({ settings: { ...settings, workerIdentity: undefined }, workflowBundlePath });
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
