import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../src/worker/workflows-path';

/**
 * Bundles `workflows/` once (the Docker image does it at build time); the worker loads it with
 * S3BRIDGE_WORKFLOW_BUNDLE=<file> instead of bundling at every start.
 * Usage: npx tsx scripts/bundle-workflows.ts [out-file]   (default dist/workflow-bundle.js)
 */
async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, code);
  console.log(`workflow bundle written to ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
