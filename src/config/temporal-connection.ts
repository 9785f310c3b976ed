import { loadClientConfigProfile, toClientOptions } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

/**
 * The Temporal server as the SDK's environment configuration describes it: `TEMPORAL_ADDRESS`,
 * `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS*`, `TEMPORAL_PROFILE` and the
 * profiles of `temporal.toml` (`TEMPORAL_CONFIG_FILE`), the same settings the Temporal CLI reads.
 */
export function temporalProfile(env: NodeJS.ProcessEnv = process.env) {
  // An empty variable counts as unset (compose files pass `${TEMPORAL_API_KEY:-}`); an empty API key would turn TLS on.
  const overrideEnvVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  const { connectionOptions, namespace } = toClientOptions(loadClientConfigProfile({ overrideEnvVars }));
  return {
    connectionOptions: { ...connectionOptions, address: connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS } as NativeConnectionOptions & { address: string },
    namespace: namespace ?? 'default',
  };
}
