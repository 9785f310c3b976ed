import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Auth, Connection } from '../shared/connection';
import { resolveSecret } from '../secrets/resolve-secret';

type BaseAuth = Exclude<Auth, { type: 'assume-role' }>;

async function resolveBase(auth: BaseAuth): Promise<AwsCredentialIdentity> {
  if (auth.type === 'default-chain') return fromNodeProviderChain()();
  return {
    accessKeyId: await resolveSecret(auth.accessKeyId),
    secretAccessKey: await resolveSecret(auth.secretAccessKey),
    sessionToken: auth.sessionToken ? await resolveSecret(auth.sessionToken) : undefined,
  };
}

/**
 * Resolves a connection's auth to concrete credentials, inside an activity only.
 * For assume-role, STS is called with the external ID; against an S3-compatible
 * endpoint (MinIO) STS is served at that same endpoint.
 */
export async function resolveCredentials(connection: Connection): Promise<AwsCredentialIdentity> {
  const { auth } = connection;
  if (auth.type !== 'assume-role') return resolveBase(auth);
  const master = await resolveBase(auth.baseCredentials);
  const provider = fromTemporaryCredentials({
    masterCredentials: master,
    params: {
      RoleArn: auth.roleArn,
      ExternalId: auth.externalId,
      RoleSessionName: auth.sessionName,
      DurationSeconds: 3600,
    },
    clientConfig: { region: connection.region, ...(connection.endpoint ? { endpoint: connection.endpoint } : {}) },
  });
  return provider();
}
