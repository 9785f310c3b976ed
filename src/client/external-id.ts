import { randomBytes } from 'node:crypto';

/** A random external ID: 32 characters of base64url (192 bits), within what AWS allows in one. */
function generateExternalId(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The connection JSON with a generated external ID when it assumes a role without one (a
 * connection's own, made once: `connections add` stores it, `policy` prints it); undefined when
 * nothing was generated.
 */
export function withGeneratedExternalId(raw: unknown): { connection: unknown; generated?: string } {
  const auth = (raw as { auth?: { type?: unknown; externalId?: unknown } } | null)?.auth;
  if (!auth || auth.type !== 'assume-role' || auth.externalId !== undefined) return { connection: raw };
  const generated = generateExternalId();
  return { connection: { ...(raw as object), auth: { ...auth, externalId: generated } }, generated };
}
