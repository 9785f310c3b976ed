import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ENCODED_FAILURE_CONVERTER_PATH } from '../codec/data-converter';
import { WORKFLOWS_PATH } from './workflows-path';

/**
 * Bundles `workflows/` into one file the worker loads instead of bundling at start (the Docker
 * image does it at build time). A worker with payload encryption on needs the bundle made with
 * `encodedFailures`: failures raised inside workflow code are encoded by the converter compiled
 * into the bundle, so a plain bundle would leave their messages in clear text in history.
 */
export async function writeWorkflowBundle(out: string, { encodedFailures = false } = {}): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    ...(encodedFailures ? { failureConverterPath: ENCODED_FAILURE_CONVERTER_PATH } : {}),
    logger: { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} },
  });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, code);
}

/**
 * The prebuilt bundle a worker should load, from its environment: S3BRIDGE_WORKFLOW_BUNDLE, or
 * with encryption on (S3BRIDGE_CODEC_KEY) S3BRIDGE_WORKFLOW_BUNDLE_ENCODED; undefined to bundle
 * at start. A plain bundle with encryption on is refused: it would leak failure messages.
 */
export function prebuiltWorkflowBundle(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.S3BRIDGE_CODEC_KEY) return env.S3BRIDGE_WORKFLOW_BUNDLE || undefined;
  if (env.S3BRIDGE_WORKFLOW_BUNDLE_ENCODED) return env.S3BRIDGE_WORKFLOW_BUNDLE_ENCODED;
  if (env.S3BRIDGE_WORKFLOW_BUNDLE) {
    throw new Error('S3BRIDGE_CODEC_KEY is set but S3BRIDGE_WORKFLOW_BUNDLE was bundled without the encoding failure converter: '
      + 'set S3BRIDGE_WORKFLOW_BUNDLE_ENCODED to a bundle made with `node dist/scripts/bundle-workflows.js --encoded-failures` '
      + '(the Docker image has one), or unset S3BRIDGE_WORKFLOW_BUNDLE to bundle at start');
  }
  return undefined;
}
