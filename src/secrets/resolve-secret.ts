import { readFile } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/common';
import type { SecretRef } from '../shared/connection';

/** Error type for a secret reference that cannot be resolved; never retried. */
export const SECRET_UNRESOLVED = 'SecretUnresolved';

/**
 * Resolves `env:NAME` or `file:/path` to the secret's value. Called inside activities only;
 * errors name the reference, never the value.
 */
export async function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const value = env[name];
    if (!value) {
      throw ApplicationFailure.create({
        type: SECRET_UNRESOLVED,
        nonRetryable: true,
        message: `secret reference ${ref}: environment variable ${name} is not set on the worker`,
      });
    }
    return value;
  }
  const file = ref.slice(5);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw ApplicationFailure.create({
      type: SECRET_UNRESOLVED,
      nonRetryable: true,
      message: `secret reference ${ref}: cannot read the file on the worker (${code})`,
    });
  }
}
