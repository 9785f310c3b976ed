import { Client, Connection } from '@temporalio/client';
import type { Settings } from '../config/settings';
import { temporalProfile } from '../config/temporal-connection';
import { s3bridgeDataConverter } from '../codec/data-converter';

/**
 * A Temporal client for the configured server and namespace, with the TLS, API key and gRPC
 * metadata of the SDK's environment configuration (see src/config/temporal-connection.ts);
 * payloads are encrypted when `S3BRIDGE_CODEC_KEY` is set.
 */
export async function createTemporalClient(settings: Pick<Settings, 'temporalAddress' | 'temporalNamespace'>): Promise<Client> {
  const { connectionOptions } = temporalProfile();
  const connection = await Connection.connect({ ...connectionOptions, address: settings.temporalAddress });
  return new Client({ connection, namespace: settings.temporalNamespace, dataConverter: s3bridgeDataConverter() });
}
