import { loadSettings } from '../config/settings';
import { createWorker } from './create-worker';
import { removeStaleWorkFolders } from './remove-stale-work-folders';

/** `npm run worker`: runs the s3bridge worker until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const settings = loadSettings();
  const stale = removeStaleWorkFolders(settings);
  if (stale.length > 0) console.log(`removed ${stale.length} staging and spill folders a stopped worker left in ${settings.dataDir}`);
  const { worker, nativeConnection } = await createWorker({ settings });
  console.log(`s3bridge worker polling task queue "${settings.taskQueue}" on ${settings.temporalAddress}`);
  try {
    await worker.run();
  } finally {
    await nativeConnection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
