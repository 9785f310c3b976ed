/**
 * Which secrets a connection may name. A connection can arrive inline from anyone who can start a
 * workflow, so its references must not reach arbitrary worker secrets: `env:` only to allowlisted
 * variables, optionally tied to one endpoint; `file:` only inside one folder (src/secrets/resolve-secret.ts).
 */

/** One allowlist entry: a variable name, or a prefix ending in `*`; with an endpoint, only for connections to it. */
export interface SecretEnvRule {
  pattern: string;
  /** The endpoint's origin (`http://127.0.0.1:9000`); any endpoint when absent. */
  endpoint?: string;
}

/** Variables named like this are meant for connections and allowed by default. */
const SECRET_ENV_PREFIX = 'S3BRIDGE_SECRET_';

/** The local services' credentials (scripts/env.sh, docker-compose.yml): the local MinIO's root user. */
export const LOCAL_SERVICE_SECRETS = ['MINIO_ROOT_USER', 'MINIO_ROOT_PASSWORD'];

/** The origin of an endpoint URL, or the text itself when it is not one. */
export function endpointOrigin(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return endpoint;
  }
}

/**
 * The default S3BRIDGE_SECRET_ENV_ALLOW: any `S3BRIDGE_SECRET_*` variable, and the local MinIO's
 * root credentials only for connections to the local MinIO (they are worth nothing elsewhere, and
 * sending them elsewhere would give them away).
 */
export function defaultSecretEnvAllow(env: NodeJS.ProcessEnv): string {
  const local = endpointOrigin(env.S3BRIDGE_S3_ENDPOINT ?? 'http://127.0.0.1:9000');
  return [`${SECRET_ENV_PREFIX}*`, ...LOCAL_SERVICE_SECRETS.map((name) => `${name}@${local}`)].join(',');
}

/** Parses `NAME, PREFIX*, NAME@http://host:port` (comma-separated). */
export function parseSecretEnvAllow(text: string): SecretEnvRule[] {
  return text.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const at = entry.indexOf('@');
    if (at < 0) return { pattern: entry };
    return { pattern: entry.slice(0, at), endpoint: endpointOrigin(entry.slice(at + 1)) };
  });
}

function describeSecretEnvAllow(rules: SecretEnvRule[]): string {
  return rules.map((r) => (r.endpoint ? `${r.pattern}@${r.endpoint}` : r.pattern)).join(',');
}

function matches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/**
 * Why `env:NAME` may not be resolved for a connection to `endpoint` (undefined when allowed).
 * A connection without an endpoint talks to AWS: an endpoint-bound rule does not cover it.
 */
export function envReferenceProblem(rules: SecretEnvRule[], name: string, endpoint: string | undefined): string | undefined {
  const named = rules.filter((r) => matches(r.pattern, name));
  const target = endpoint ? endpointOrigin(endpoint) : undefined;
  if (named.some((r) => r.endpoint === undefined || r.endpoint === target)) return undefined;
  const setting = `S3BRIDGE_SECRET_ENV_ALLOW (now "${describeSecretEnvAllow(rules)}")`;
  if (named.length > 0) {
    const where = [...new Set(named.map((r) => r.endpoint))].join(', ');
    return `secret reference env:${name} is allowed only for connections to ${where}, not to ${target ?? 'AWS'}; ` +
      `to use it with this endpoint, add "${name}@${target ?? '...'}" to ${setting} on the worker`;
  }
  return `secret reference env:${name} is not allowed: the worker resolves env: references only to variables in ${setting}; ` +
    `name the variable ${SECRET_ENV_PREFIX}..., or add it to S3BRIDGE_SECRET_ENV_ALLOW on the worker`;
}
