import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Settings } from '../../src/config/settings';
import { PROJECT_ROOT } from '../../src/config/local-services';
import type { CrashPoint } from './worker-process';

/** A worker process (test/support/worker-process.ts) that tests can SIGKILL; `exited` settles when it is gone. */
export interface WorkerProcess {
  child: ChildProcess;
  /** The same child process (the scale-out tests' name for it). */
  proc: ChildProcess;
  exited: Promise<void>;
  /** Its worker identity (pid@host), as the ledger and Temporal record it. */
  identity: string;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
}

/** Starts a worker in a child process with these settings and waits until it polls (benches pass their bundle). */
export async function spawnWorkerProcess(
  settings: Settings, workflowBundlePath: string, options: { pinToCore?: number; crash?: CrashPoint } = {},
): Promise<WorkerProcess> {
  const node = [process.execPath, '--import', 'tsx', path.join(PROJECT_ROOT, 'test/support/worker-process.ts')];
  // taskset execs node in place: the pid (and so the identity) is the worker's own.
  const [command, ...args] = options.pinToCore === undefined ? node : ['taskset', '-c', String(options.pinToCore), ...node];
  const child = spawn(command!, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, S3BRIDGE_TEST_WORKER: JSON.stringify({ settings, workflowBundlePath, crash: options.crash }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); });
    void exited.then(() => reject(new Error(`worker process exited early (${child.exitCode ?? child.signalCode})`)));
  });
  return {
    child,
    proc: child,
    exited,
    identity: `${child.pid}@${os.hostname()}`,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Starts a worker in a child process with the test's settings and bundle, optionally set to crash. */
export async function spawnWorker(settings: Settings, crash?: CrashPoint): Promise<WorkerProcess> {
  // Imported here, not at the top: benches load this module outside vitest.
  const { inject } = await import('vitest');
  return spawnWorkerProcess(settings, inject('workflowBundlePath'), { crash });
}
