import { S3Client } from '@aws-sdk/client-s3';
import { loadSettings } from '../config/settings';
import { localServiceEnv, localSourceConnection } from '../config/local-services';
import { createTemporalClient } from '../client/create-client';
import { S3BridgeClient } from '../client/s3bridge-client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createWorker } from '../worker/create-worker';
import { DEMO_BUCKET, DEMO_PREFIX, seedSampleData } from './sample-data';

/** `npm run demo`: seeds MinIO with sample data and runs the main job against it. */
async function main(): Promise<void> {
  const services = localServiceEnv();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const settings = loadSettings();
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: services.s3Endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! },
  });
  console.log(`seeding sample data into s3://${DEMO_BUCKET}/${DEMO_PREFIX}/ on ${services.s3Endpoint}`);
  await seedSampleData(s3);
  s3.destroy();

  const connection = localSourceConnection({ name: 'demo', bucket: DEMO_BUCKET, prefix: DEMO_PREFIX });
  const client = new S3BridgeClient(await createTemporalClient(settings), settings, 'demo-');
  const { worker, nativeConnection } = await createWorker({ settings });
  console.log(`worker started on task queue "${settings.taskQueue}"`);
  await worker.runUntil(async () => {
    const result = await client.checkSetup({ connection });
    console.log('checkSetup result:');
    console.log(JSON.stringify(result, null, 2));
  });
  await nativeConnection.close();
  console.log(`\nTemporal UI: ${services.temporalUi}/namespaces/${settings.temporalNamespace}/workflows`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
