import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../src/config/local-services';
import type { PolicyDocument } from '../../src/workflow-safe/policies/policy-document';

const run = promisify(execFile);
const MC = path.join(PROJECT_ROOT, '.tools/bin/mc');
const ALIAS = 's3bridge-local';

async function mc(...args: string[]): Promise<string> {
  const { stdout } = await run(MC, ['--no-color', ...args], {
    env: { ...process.env, MC_CONFIG_DIR: path.join(PROJECT_ROOT, '.tools/run/mc') },
  });
  return stdout;
}

let aliasSet: Promise<string> | undefined;

/** A MinIO user whose keys live only in this process's environment, referenced as `env:` by connections. */
export interface MinioUser {
  accessKey: string;
  secretKey: string;
  auth: { type: 'static-keys'; accessKeyId: string; secretAccessKey: string };
  remove(): Promise<void>;
}

/**
 * Creates a MinIO user with exactly `policy` attached (MinIO's admin API through `mc`), for
 * permission tests. MinIO applies identity policies like IAM; Principal-based bucket policies
 * only to anonymous requests, so tests express bucket-policy conditions in the user's policy.
 */
export async function createMinioUser(label: string, policy: PolicyDocument): Promise<MinioUser> {
  aliasSet ??= mc('alias', 'set', ALIAS, process.env.S3BRIDGE_S3_ENDPOINT ?? 'http://127.0.0.1:9000',
    process.env.MINIO_ROOT_USER!, process.env.MINIO_ROOT_PASSWORD!);
  await aliasSet;
  const id = `${label}-${randomBytes(3).toString('hex')}`;
  const accessKey = `u-${id}`;
  // Hex, not base64url: a secret starting with '-' would be read by mc as a flag.
  const secretKey = randomBytes(18).toString('hex');
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-policy-'));
  const file = path.join(dir, 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  try {
    await mc('admin', 'user', 'add', ALIAS, accessKey, secretKey);
    await mc('admin', 'policy', 'create', ALIAS, `p-${id}`, file);
    await mc('admin', 'policy', 'attach', ALIAS, `p-${id}`, '--user', accessKey);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // S3BRIDGE_SECRET_ names: the worker resolves env: references only to allowed variables.
  const envName = `S3BRIDGE_SECRET_TEST_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  process.env[`${envName}_KEY`] = accessKey;
  process.env[`${envName}_SECRET`] = secretKey;
  return {
    accessKey,
    secretKey,
    auth: { type: 'static-keys', accessKeyId: `env:${envName}_KEY`, secretAccessKey: `env:${envName}_SECRET` },
    async remove() {
      await mc('admin', 'user', 'remove', ALIAS, accessKey).catch(() => undefined);
      await mc('admin', 'policy', 'remove', ALIAS, `p-${id}`).catch(() => undefined);
    },
  };
}
