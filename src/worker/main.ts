import { Runtime } from '@temporalio/worker';
import { loadSettings } from '../config/settings';
import { createTemporalClient } from '../client/create-client';
import { missingSearchAttributes, registerSearchAttributes, REGISTER_COMMAND } from '../client/search-attribute-registration';
import { createJsonLogger } from '../observability/json-logger';
import { createWorker } from './create-worker';
import { removeStaleWorkFolders } from './remove-stale-work-folders';
import { prebuiltWorkflowBundle } from './workflow-bundle';

/**
 * Every run upserts s3bridge's search attributes; on a server without them each workflow task
 * would fail and retry forever, so the worker checks before polling (and registers them when
 * S3BRIDGE_REGISTER_SEARCH_ATTRIBUTES=1 and it has operator rights).
 */
async function ensureSearchAttributes(settings: ReturnType<typeof loadSettings>): Promise<void> {
  const client = await createTemporalClient(settings);
  try {
    if (process.env.S3BRIDGE_REGISTER_SEARCH_ATTRIBUTES === '1') await registerSearchAttributes(client, settings.temporalNamespace);
    const missing = await missingSearchAttributes(client, settings.temporalNamespace);
    if (missing.length > 0) {
      throw new Error(`namespace "${settings.temporalNamespace}" lacks s3bridge's search attributes ${missing.join(', ')}; register them once with: ${REGISTER_COMMAND} (add --namespace ${settings.temporalNamespace} to each), or start the worker once with S3BRIDGE_REGISTER_SEARCH_ATTRIBUTES=1`);
    }
  } finally {
    await client.connection.close();
  }
}

/** `npm run worker`: runs the s3bridge worker until SIGINT/SIGTERM; logs JSON lines, serves Prometheus metrics when configured. */
async function main(): Promise<void> {
  const settings = loadSettings();
  const logger = createJsonLogger((process.env.S3BRIDGE_LOG_LEVEL?.toUpperCase() ?? 'INFO') as 'INFO');
  Runtime.install({
    logger,
    telemetryOptions: {
      // Temporal core's own warnings go through the JSON logger too; without `forward` core prints
      // them to stdout as coloured text, between the JSON lines.
      logging: { forward: {} },
      ...(settings.metricsAddress ? { metrics: { prometheus: { bindAddress: settings.metricsAddress } } } : {}),
    },
  });
  const stale = removeStaleWorkFolders(settings);
  if (stale.length > 0) logger.info('removed staging and spill folders a stopped worker left', { count: stale.length, dataDir: settings.dataDir });
  await ensureSearchAttributes(settings);
  // A bundle made at build time (the Docker image) starts faster and cannot drift from the image's code.
  const { worker, nativeConnection, release } = await createWorker({ settings, workflowBundlePath: prebuiltWorkflowBundle() });
  logger.info('s3bridge worker polling', {
    taskQueue: settings.taskQueue, temporalAddress: settings.temporalAddress, namespace: settings.temporalNamespace, store: settings.store,
    ...(settings.metricsAddress ? { metrics: `http://${settings.metricsAddress}/metrics` } : {}),
  });
  try {
    await worker.run();
  } finally {
    await release();
    await nativeConnection.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', message: (error as Error).message ?? String(error) })}\n`);
  process.exit(1);
});
