import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { localServiceEnv, PROJECT_ROOT } from '../../src/config/local-services';
import { SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/workflow-safe/observability/search-attributes';

/**
 * Private copies of the services for fault tests, on free loopback ports with their own data
 * folders, from the binaries in .tools/bin (flags as scripts/services.sh uses them). The shared
 * Temporal and MinIO serve every engineer's tests at once: fault tests never stop or proxy those.
 */
const BIN = path.join(PROJECT_ROOT, '.tools/bin');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntil(what: string, ready: () => Promise<boolean>, proc: () => ChildProcess | undefined, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    const child = proc();
    if (child && child.exitCode !== null) throw new Error(`${what} exited during start-up (code ${child.exitCode})`);
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill(signal);
  });
}

/** A restartable service: same port and data folder across stop/start. */
export interface PrivateService {
  /** `http://127.0.0.1:port` for MinIO, `127.0.0.1:port` for Temporal. */
  address: string;
  start(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it and removes its data folder. */
  close(): Promise<void>;
}

/** A service process that can be stopped and started again on the same port and data folder. */
async function restartable(what: string, address: string, dataDir: string, launch: () => ChildProcess, ready: () => Promise<boolean>, timeoutMs: number): Promise<PrivateService> {
  let child: ChildProcess | undefined;
  const service: PrivateService = {
    address,
    async start() {
      child = launch();
      await waitUntil(what, ready, () => child, timeoutMs);
    },
    stop: (signal) => stopProcess(child, signal),
    async close() {
      await stopProcess(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await service.start();
  return service;
}

/** A MinIO of its own (root user from MINIO_ROOT_USER/PASSWORD, like the shared one, so `env:` references resolve). */
export async function startPrivateMinio(): Promise<PrivateService> {
  localServiceEnv(); // sets MINIO_ROOT_USER/PASSWORD when the environment does not
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-minio-'));
  const [port, consolePort] = [await freePort(), await freePort()];
  const address = `http://127.0.0.1:${port}`;
  return restartable('private MinIO', address, dataDir,
    () => spawn(path.join(BIN, 'minio'), ['server', dataDir, '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, '--quiet'], {
      env: { ...process.env, MINIO_BROWSER_REDIRECT: 'off', MINIO_UPDATE: 'off', MINIO_REGION: 'us-east-1' },
      stdio: 'ignore',
    }),
    async () => (await fetch(`${address}/minio/health/ready`)).ok, 60_000);
}

/** A Temporal dev server of its own that keeps its state in a database file, so it can be restarted mid-run. */
export async function startPrivateTemporal(): Promise<PrivateService> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-temporal-'));
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const address = `127.0.0.1:${port}`;
  const healthy = () => new Promise<boolean>((resolve) => {
    const check = spawn(path.join(BIN, 'temporal'), ['operator', 'cluster', 'health', '--address', address], { stdio: 'ignore' });
    check.once('exit', (code) => resolve(code === 0));
  });
  return restartable('private Temporal', address, dataDir,
    () => spawn(path.join(BIN, 'temporal'), [
      'server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--http-port', String(httpPort),
      '--metrics-port', String(metricsPort), '--headless', '--log-level', 'error', '--db-filename', path.join(dataDir, 'temporal.db'),
      // Every run upserts s3bridge's search attributes; a server without them fails each workflow task.
      ...SEARCH_ATTRIBUTE_KEYS.flatMap((key) => ['--search-attribute', `${key.name}=${key.type === SearchAttributeType.INT ? 'Int' : 'Keyword'}`]),
    ], { stdio: 'ignore' }),
    healthy, 120_000);
}

/** toxiproxy between the worker and a private MinIO: one proxy, toxics added and removed by the test. */
export interface Toxiproxy {
  /** The proxy's S3 endpoint, `http://127.0.0.1:port`: connections use it instead of MinIO's. */
  endpoint: string;
  addToxic(toxic: { name: string; type: string; stream?: 'upstream' | 'downstream'; toxicity?: number; attributes: Record<string, number> }): Promise<void>;
  removeToxic(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startToxiproxy(upstream: string): Promise<Toxiproxy> {
  const [apiPort, listenPort] = [await freePort(), await freePort()];
  const api = `http://127.0.0.1:${apiPort}`;
  const child = spawn(path.join(BIN, 'toxiproxy-server'), ['-host', '127.0.0.1', '-port', String(apiPort)], { stdio: 'ignore' });
  await waitUntil('toxiproxy', async () => (await fetch(`${api}/version`)).ok, () => child);
  const call = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(`${api}${url}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw new Error(`toxiproxy ${method} ${url}: ${response.status} ${await response.text()}`);
  };
  await call('POST', '/proxies', { name: 's3', listen: `127.0.0.1:${listenPort}`, upstream: upstream.replace(/^https?:\/\//, ''), enabled: true });
  return {
    endpoint: `http://127.0.0.1:${listenPort}`,
    addToxic: ({ stream = 'downstream', toxicity = 1, ...toxic }) => call('POST', '/proxies/s3/toxics', { stream, toxicity, ...toxic }),
    removeToxic: (name) => call('DELETE', `/proxies/s3/toxics/${name}`),
    close: () => stopProcess(child),
  };
}

/** A Postgres cluster of its own: superuser `user` with `password`, and a database `database` made for the test. */
export interface PrivatePostgres extends PrivateService {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Runs SQL through psql as the superuser (the test's own arrangements and checks); returns its unaligned output. */
  psql(sql: string, database?: string): Promise<string>;
  /**
   * Takes the session advisory lock `key` in a psql session of its own and holds it until the
   * returned release is called (or the server stops): a statement that asks for the same lock waits.
   */
  holdLock(key: number, database?: string): Promise<() => Promise<void>>;
}

/** The newest Debian PostgreSQL binaries (scripts/services.sh installs them for the shared setup). */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root).sort((a, b) => Number(a) - Number(b)).at(-1);
  if (!version) throw new Error(`no PostgreSQL under ${root}: run \`S3BRIDGE_WITH_POSTGRES=1 bash scripts/services.sh start\` once`);
  return path.join(root, version, 'bin');
}

/**
 * A private Postgres (initdb in a temporary folder, its own loopback port), like the shared one
 * of scripts/services.sh but never it: tests stop and kill this one. Postgres refuses to run as
 * root, so root runs it as the `postgres` user. `stop()` is pg_ctl's fast shutdown (open
 * transactions aborted, clients disconnected); `stop('SIGKILL')` its immediate one (a crash).
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin();
  const root = mkdtempSync(path.join(os.tmpdir(), 's3bridge-postgres-'));
  chmodSync(root, 0o755);
  const dataDir = path.join(root, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim()));
    chownSync(dataDir, uid!, gid!);
  }
  const run = promisify(execFile);
  const asPostgres = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args], { env }) : run(path.join(bin, command), args, { env });
  const [host, port, user, password, database] = ['127.0.0.1', await freePort(), 's3bridge', 's3bridge-private-pg', 's3bridge'];
  const passwordFile = path.join(root, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o644 });
  await asPostgres('initdb', ['-D', dataDir, '-U', user, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '-E', 'UTF8']);
  rmSync(passwordFile);
  const connect = ['-h', host, '-p', String(port), '-U', user];
  const psql = async (sql: string, db = database) => (await run(path.join(bin, 'psql'),
    [...connect, '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { env: { ...process.env, PGPASSWORD: password } })).stdout;
  const holdLock = async (key: number, db = database) => {
    const session = spawn(path.join(bin, 'psql'), [...connect, '-d', db, '-qAt'], { env: { ...process.env, PGPASSWORD: password }, stdio: ['pipe', 'pipe', 'inherit'] });
    session.stdin.on('error', () => undefined); // the server may have dropped the session (and psql with it)
    const exited = new Promise<void>((resolve) => session.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      session.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('locked')) resolve(); });
      void exited.then(() => reject(new Error(`psql exited before it held advisory lock ${key}`)));
      session.stdin.write(`SELECT 'locked' FROM (SELECT pg_advisory_lock(${Number(key)})) AS held;\n`);
    });
    return async () => {
      // Ending the session releases the lock; a session the server already dropped has nothing to release.
      session.stdin.end('\\q\n');
      await exited;
    };
  };
  const service: PrivatePostgres = {
    address: `${host}:${port}`, host, port, user, password, database, psql, holdLock,
    async start() {
      // Loopback only, its socket in its own folder; fsync off: a throwaway test cluster.
      await asPostgres('pg_ctl', ['-D', dataDir, '-l', path.join(dataDir, 'server.log'), '-w', '-t', '60',
        '-o', `-h ${host} -p ${port} -k ${dataDir} -c fsync=off -c max_connections=100`, 'start']);
    },
    async stop(signal) {
      await asPostgres('pg_ctl', ['-D', dataDir, '-m', signal === 'SIGKILL' ? 'immediate' : 'fast', '-w', 'stop']).catch(() => undefined);
    },
    async close() {
      await service.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
  await service.start();
  await psql(`CREATE DATABASE ${database}`, 'postgres');
  return service;
}
