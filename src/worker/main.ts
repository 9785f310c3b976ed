import { loadSettings } from '../config/settings';
import { createWorker } from './create-worker';

/** `npm run worker`: runs the s3bridge worker until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const settings = loadSettings();
  const { worker, nativeConnection, release } = await createWorker({ settings });
  console.log(`s3bridge worker polling task queue "${settings.taskQueue}" on ${settings.temporalAddress} (${settings.store} store)`);
  try {
    await worker.run();
  } finally {
    await release();
    await nativeConnection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
