import { Client, Connection } from '@temporalio/client';
import type { Settings } from '../config/settings';
import { s3bridgeDataConverter } from '../codec/data-converter';

/** A Temporal client for the configured server and namespace (payloads encrypted when `S3BRIDGE_CODEC_KEY` is set). */
export async function createTemporalClient(settings: Settings): Promise<Client> {
  const connection = await Connection.connect({ address: settings.temporalAddress });
  return new Client({ connection, namespace: settings.temporalNamespace, dataConverter: s3bridgeDataConverter() });
}
