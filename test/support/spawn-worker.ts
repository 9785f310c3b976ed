import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Settings } from '../../src/config/settings';

export interface WorkerProcess {
  proc: ChildProcess;
  /** Its worker identity (pid@host), as the ledger and Temporal record it. */
  identity: string;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
}

/** Starts test/support/worker-process.ts with these settings and waits until it polls. */
export async function spawnWorkerProcess(settings: Settings, workflowBundlePath: string, options: { pinToCore?: number } = {}): Promise<WorkerProcess> {
  const root = path.resolve(__dirname, '../..');
  const node = [process.execPath, '--import', 'tsx', path.join(root, 'test/support/worker-process.ts')];
  // taskset execs node in place: the pid (and so the identity) is the worker's own.
  const [command, ...args] = options.pinToCore === undefined ? node : ['taskset', '-c', String(options.pinToCore), ...node];
  const proc = spawn(command!, args, {
    cwd: root,
    env: { ...process.env, S3BRIDGE_TEST_WORKER: JSON.stringify({ settings, workflowBundlePath }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); });
    proc.on('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
  });
  return {
    proc,
    identity: `${proc.pid}@${os.hostname()}`,
    async kill() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
