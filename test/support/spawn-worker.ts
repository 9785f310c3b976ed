import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';
import type { Settings } from '../../src/config/settings';
import { PROJECT_ROOT } from '../../src/config/local-services';
import type { CrashPoint } from './worker-process';

/** A worker process (test/support/worker-process.ts) that tests can SIGKILL; `exited` settles when it is gone. */
export interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<void>;
  kill(): Promise<void>;
}

/** Starts a worker in a child process with the test's settings and waits until it polls. */
export async function spawnWorker(settings: Settings, crash?: CrashPoint): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'test/support/worker-process.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, S3BRIDGE_TEST_WORKER: JSON.stringify({ settings, workflowBundlePath: inject('workflowBundlePath'), crash }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); });
    void exited.then(() => reject(new Error(`worker process exited early (${child.exitCode ?? child.signalCode})`)));
  });
  return {
    child,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
