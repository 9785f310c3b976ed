import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadSettings } from '../../src/config/settings';
import { localServiceEnv } from '../../src/config/local-services';
import { createTemporalClient } from '../../src/client/create-client';
import { registerSearchAttributes } from '../../src/client/search-attribute-registration';
import type { TestProject } from 'vitest/node';

const root = path.resolve(__dirname, '../..');

/**
 * Builds dist/ when a source changed since the last build (the CLI tests spawn bin/s3bridge.js and
 * the worker tests dist/src/worker/main.js, so no test runs stale compiled code), starts the real
 * services once per run, and bundles the workflows once for every test file.
 */
export default async function setup(project: TestProject): Promise<void> {
  build();
  // Watch mode reruns tests after a change without running this setup again: build again first.
  project.onTestsRerun(build);
  // Postgres too: the shared-setup tests (test/lake/) use it.
  const started = spawnSync('bash', [path.join(root, 'scripts/services.sh'), 'start'], { stdio: 'inherit', env: { ...process.env, S3BRIDGE_WITH_POSTGRES: '1' } });
  if (started.status !== 0) throw new Error('scripts/services.sh start failed; see the output above');
  // Every run upserts s3bridge's search attributes; a dev server started before they were added
  // to services.sh lacks them, so register them idempotently, as docs/workflows.md tells other servers' users.
  localServiceEnv();
  const settings = loadSettings();
  const client = await createTemporalClient(settings);
  try {
    await registerSearchAttributes(client, settings.temporalNamespace);
  } finally {
    await client.connection.close();
  }
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(root, 'workflows/index.ts'),
    logger: { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} },
  });
  const runDir = path.join(root, '.tools/run');
  mkdirSync(runDir, { recursive: true });
  const bundlePath = path.join(runDir, `workflow-bundle-${process.pid}.js`);
  writeFileSync(bundlePath, code);
  project.provide('workflowBundlePath', bundlePath);
}

/** scripts/build.sh (`npm run build`): returns at once when dist/ is current. */
function build(): void {
  const built = spawnSync('bash', [path.join(root, 'scripts/build.sh')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('scripts/build.sh (npm run build) failed; see the output above');
}

declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundlePath: string;
  }
}
