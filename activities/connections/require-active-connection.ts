import { ApplicationFailure } from '@temporalio/common';
import { Connection, connectionName, sameSettings, type ConnectionRef } from '../../src/workflow-safe/connection';
import type { ActivityDeps } from '../deps';
import { CONNECTION_NOT_ACTIVE } from '../../src/workflow-safe/failure-types';

export interface RequireActiveConnectionInput {
  connection: ConnectionRef;
}

function notActive(message: string, details: { status: string; reason?: string }): ApplicationFailure {
  return ApplicationFailure.create({ type: CONNECTION_NOT_ACTIVE, nonRetryable: true, message, details: [details] });
}

export function createRequireActiveConnection({ catalog }: ActivityDeps) {
  /** Resolves a connection and refuses it unless its last validation is Active and still matches its settings. */
  return async function requireActiveConnection({ connection: ref }: RequireActiveConnectionInput): Promise<Connection> {
    const name = connectionName(ref);
    return catalog.session(async (store) => {
      if (typeof ref !== 'string') await store.refuseInlineShadowing(name);
      const connection = typeof ref === 'string' ? await store.getConnection(ref) : Connection.parse(ref);
      const status = await store.findConnectionStatus(name);
      const validate = `run \`s3bridge connections validate ${name}\``;
      if (!status) throw notActive(`connection "${name}" has not been validated: ${validate}`, { status: 'unvalidated' });
      if (!sameSettings(status.config, connection)) {
        throw notActive(`connection "${name}" changed since its validation at ${status.updatedAt}: ${validate} again`, { status: 'stale' });
      }
      if (status.status === 'processing') {
        throw notActive(`connection "${name}" is Processing (validation started at ${status.updatedAt}): wait for it to finish`, { status: status.status });
      }
      if (status.status === 'failed') {
        throw notActive(`connection "${name}" is Failed since ${status.updatedAt}: ${status.reason ?? 'see its report'}; fix it and ${validate}`, {
          status: status.status, reason: status.reason,
        });
      }
      return connection;
    });
  };
}
