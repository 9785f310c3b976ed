import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/worker/workflows-path';

/** One workflow bundle for every worker of a bench (as the tests do), so a fresh warehouse costs no rebundling. */
export async function bundleWorkflowsToFile(name: string): Promise<{ bundlePath: string; remove(this: void): void }> {
  const bundleDir = mkdtempSync(path.join(os.tmpdir(), `${name}-bundle-`));
  const bundlePath = path.join(bundleDir, 'workflows.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} },
  });
  writeFileSync(bundlePath, code);
  return { bundlePath, remove: () => rmSync(bundleDir, { recursive: true, force: true }) };
}
