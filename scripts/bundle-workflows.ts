import path from 'node:path';
import { writeWorkflowBundle } from '../src/worker/workflow-bundle';

/**
 * Bundles `workflows/` once (the Docker image does it at build time); the worker loads it with
 * S3BRIDGE_WORKFLOW_BUNDLE=<file> (or, with payload encryption on, S3BRIDGE_WORKFLOW_BUNDLE_ENCODED=<file>
 * made with --encoded-failures) instead of bundling at every start.
 * Usage: node dist/scripts/bundle-workflows.js [--encoded-failures] [out-file]   (after `npm run build`; default dist/workflow-bundle.js)
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const encodedFailures = args.includes('--encoded-failures');
  const out = path.resolve(args.find((a) => !a.startsWith('--')) ?? 'dist/workflow-bundle.js');
  await writeWorkflowBundle(out, { encodedFailures });
  console.log(`workflow bundle${encodedFailures ? ' (encoded failures)' : ''} written to ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
