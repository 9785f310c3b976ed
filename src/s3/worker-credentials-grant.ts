import { ApplicationFailure } from '@temporalio/common';
import type { Settings } from '../config/settings';
import type { CatalogStore } from '../catalog/catalog-store';
import { sameSettings, type Auth, type Connection } from '../workflow-safe/connection';
import { endpointOrigin } from '../secrets/secret-policy';
import { WORKER_CREDENTIALS_REFUSED } from '../workflow-safe/failure-types';

/** What the grant needs from the worker's settings. */
export type WorkerCredentialSettings = Pick<Settings, 'workerCredentials' | 'workerCredentialsEndpoints'>;

/** Where the grant looks a connection up: the catalog of stored connections. */
export type StoredConnections = Pick<CatalogStore, 'findConnection'>;

/** How a connection's auth would use the worker's own AWS credentials, or undefined when it brings its own. */
function workerCredentialsUse(auth: Auth): string | undefined {
  if (auth.type === 'default-chain') return 'auth "default-chain"';
  if (auth.type === 'assume-role' && auth.baseCredentials.type === 'default-chain') {
    return 'auth "assume-role" without baseCredentials: the worker\'s own credentials call sts:AssumeRole';
  }
  return undefined;
}

/** AWS's own endpoints: none set (the SDK's and DuckDB's defaults), or an amazonaws.com / api.aws host. */
function isAwsEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return true;
  const host = new URL(endpoint).hostname.toLowerCase().replace(/\.$/, '');
  return new URL(endpoint).protocol === 'https:' && /(^|\.)(amazonaws\.com(\.cn)?|api\.aws)$/.test(host);
}

const OWN_CREDENTIALS = 'or give the connection credentials of its own (static-keys, or assume-role with baseCredentials)';

function refused(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: WORKER_CREDENTIALS_REFUSED, nonRetryable: true, message });
}

/**
 * The worker's own identity (its environment, profile, instance or task role) reads whatever that
 * identity may read, so a connection uses it only by explicit grant: never inline (anyone who can
 * start a workflow sends those), for a stored connection only when S3BRIDGE_WORKER_CREDENTIALS=stored,
 * and only towards AWS's endpoints or those in S3BRIDGE_WORKER_CREDENTIALS_ENDPOINTS. Checked in the
 * activity before the default chain is asked for anything; the refusal names the setting to change.
 */
export async function checkWorkerCredentialsGrant(connection: Connection, settings: WorkerCredentialSettings, stored: StoredConnections): Promise<void> {
  const use = workerCredentialsUse(connection.auth);
  if (!use) return;
  const what = `connection "${connection.name}" would sign its requests with the worker's own AWS credentials (${use})`;
  const saved = await stored.findConnection(connection.name);
  if (!saved || !sameSettings(saved, connection)) {
    throw refused(`${what}, which only a stored connection may do: anyone who can start a workflow could otherwise read whatever the worker's identity can. `
      + `Store it (s3bridge connections add) and set S3BRIDGE_WORKER_CREDENTIALS=stored on the worker, ${OWN_CREDENTIALS}`);
  }
  if (settings.workerCredentials !== 'stored') {
    throw refused(`${what}, which the worker does not allow: set S3BRIDGE_WORKER_CREDENTIALS=stored on the worker to let stored connections use them, ${OWN_CREDENTIALS}`);
  }
  if (isAwsEndpoint(connection.endpoint)) return;
  const origin = endpointOrigin(connection.endpoint!);
  if (settings.workerCredentialsEndpoints.includes(origin)) return;
  throw refused(`connection "${connection.name}" would send the worker's own AWS credentials (${use}) to ${origin}, which is not an AWS endpoint: `
    + `point it at AWS, or add "${origin}" to S3BRIDGE_WORKER_CREDENTIALS_ENDPOINTS on the worker if that endpoint is yours`);
}
