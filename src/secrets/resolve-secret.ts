import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { SecretRef } from '../workflow-safe/connection';
import { envReferenceProblem, type SecretEnvRule } from './secret-policy';
import { SECRET_REFUSED, SECRET_UNRESOLVED } from '../workflow-safe/failure-types';

/** A secret file holds one key, secret or session token; anything bigger is not one. */
const SECRET_FILE_MAX_BYTES = 64 * 1024;

/** What a worker lets references reach (from Settings). */
export interface SecretPolicy {
  secretEnvAllow: SecretEnvRule[];
  secretsDir: string | undefined;
}

function failure(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, nonRetryable: true, message });
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

async function readSecretFile(ref: string, policy: SecretPolicy): Promise<string> {
  if (!policy.secretsDir) {
    throw failure(SECRET_REFUSED, `secret reference ${ref} is not allowed: file: references are resolved only inside S3BRIDGE_SECRETS_DIR, which is not set on the worker; set it to the folder that holds the secret files`);
  }
  const errno = (error: unknown) => (error as NodeJS.ErrnoException).code ?? 'unreadable';
  let folder: string;
  let real: string;
  try {
    folder = await realpath(policy.secretsDir);
    // Relative references are taken inside the folder; symbolic links are followed before the check.
    real = await realpath(path.resolve(folder, ref.slice(5)));
  } catch (error) {
    throw failure(SECRET_UNRESOLVED, `secret reference ${ref}: cannot read the file on the worker (${errno(error)})`);
  }
  if (!isInside(folder, real)) {
    throw failure(SECRET_REFUSED, `secret reference ${ref} is not allowed: it is outside S3BRIDGE_SECRETS_DIR (${policy.secretsDir}), symbolic links followed; put the file in that folder, or change S3BRIDGE_SECRETS_DIR on the worker`);
  }
  let handle;
  try {
    // O_NOFOLLOW: the checked path cannot be swapped for a link between the check and the read.
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw failure(SECRET_UNRESOLVED, `secret reference ${ref}: cannot read the file on the worker (${errno(error)})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw failure(SECRET_REFUSED, `secret reference ${ref} is not allowed: it is not a regular file`);
    if (stat.size > SECRET_FILE_MAX_BYTES) {
      throw failure(SECRET_REFUSED, `secret reference ${ref} is not allowed: the file has ${stat.size} bytes, more than a secret (at most ${SECRET_FILE_MAX_BYTES})`);
    }
    const buffer = Buffer.alloc(SECRET_FILE_MAX_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > SECRET_FILE_MAX_BYTES) {
      throw failure(SECRET_REFUSED, `secret reference ${ref} is not allowed: the file has more than ${SECRET_FILE_MAX_BYTES} bytes`);
    }
    return buffer.subarray(0, bytesRead).toString('utf8').trim();
  } finally {
    await handle.close();
  }
}

/**
 * Resolves `env:NAME` or `file:path` to the secret's value, for a connection to `endpoint`, within
 * the worker's policy. Called inside activities only; errors name the reference and the setting
 * to change, never the value.
 */
export async function resolveSecret(
  ref: SecretRef,
  policy: SecretPolicy,
  endpoint: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const problem = envReferenceProblem(policy.secretEnvAllow, name, endpoint);
    if (problem) throw failure(SECRET_REFUSED, problem);
    const value = env[name];
    if (!value) throw failure(SECRET_UNRESOLVED, `secret reference ${ref}: environment variable ${name} is not set on the worker`);
    return value;
  }
  return readSecretFile(ref, policy);
}
