import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Auth, Connection } from '../workflow-safe/connection';
import { resolveSecret, type SecretPolicy } from '../secrets/resolve-secret';
import { checkEndpoint } from './endpoint-guard';
import { egressGate, type EgressSettings } from '../egress/egress-gate';
import { gatedAgents } from '../egress/gated-agents';
import { checkWorkerCredentialsGrant, type StoredConnections, type WorkerCredentialSettings } from './worker-credentials-grant';

type BaseAuth = Exclude<Auth, { type: 'assume-role' }>;

/** What resolving needs from the worker's settings. */
export type CredentialSettings = SecretPolicy & WorkerCredentialSettings & EgressSettings;

async function resolveBase(auth: BaseAuth, settings: CredentialSettings, endpoint: string | undefined): Promise<AwsCredentialIdentity> {
  if (auth.type === 'default-chain') return fromNodeProviderChain()();
  return {
    accessKeyId: await resolveSecret(auth.accessKeyId, settings, endpoint),
    secretAccessKey: await resolveSecret(auth.secretAccessKey, settings, endpoint),
    sessionToken: auth.sessionToken ? await resolveSecret(auth.sessionToken, settings, endpoint) : undefined,
  };
}

/**
 * Resolves a connection's auth to concrete credentials, inside an activity only. The endpoint is
 * checked first (every S3, STS and DuckDB request of the connection goes there, signed with these
 * credentials), then the worker's grant for its own credentials (a stored connection, allowed by
 * S3BRIDGE_WORKER_CREDENTIALS), then each secret reference within the worker's policy. For assume-role, STS is
 * called with the external ID; against an S3-compatible endpoint (MinIO) STS is served there too.
 */
export async function resolveCredentials(connection: Connection, settings: CredentialSettings, stored: StoredConnections): Promise<AwsCredentialIdentity> {
  const gate = egressGate(settings);
  await checkEndpoint(connection.endpoint, gate);
  await checkWorkerCredentialsGrant(connection, settings, stored);
  const { auth } = connection;
  if (auth.type !== 'assume-role') return resolveBase(auth, settings, connection.endpoint);
  const master = await resolveBase(auth.baseCredentials, settings, connection.endpoint);
  const provider = fromTemporaryCredentials({
    masterCredentials: master,
    params: {
      RoleArn: auth.roleArn,
      ExternalId: auth.externalId,
      RoleSessionName: auth.sessionName,
      DurationSeconds: 3600,
    },
    clientConfig: { region: connection.region, ...(connection.endpoint ? { endpoint: connection.endpoint } : {}), requestHandler: gatedAgents(gate) },
  });
  return provider();
}
