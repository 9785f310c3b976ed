import { Client, Connection } from '@temporalio/client';
import type { Settings } from '../config/settings';

/** A Temporal client for the configured server and namespace. */
export async function createTemporalClient(settings: Settings): Promise<Client> {
  const connection = await Connection.connect({ address: settings.temporalAddress });
  return new Client({ connection, namespace: settings.temporalNamespace });
}
