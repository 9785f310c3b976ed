import { chmodSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from './sql';
import { withConnection } from './with-connection';

/**
 * DuckDB checks an extension's signature on every LOAD: hashing the 25 MB httpfs file costs about
 * 150 ms of CPU per instance, and every day's load opens an instance. Instead, once per process,
 * the vendored files of this DuckDB's version and platform are copied into a private folder
 * (mkdtemp, mode 0700, files read-only) and DuckDB checks each copy's signature itself (a throwaway
 * instance that requires signatures). Instances then load from that folder with
 * allow_unsigned_extensions: only this process writes there, and only files that passed are in it,
 * so a file swapped in the vendored folder later is never loaded unchecked. When any file fails,
 * there is no private folder: instances use the vendored one and keep signatures required, and
 * DuckDB's own LOAD refuses the bad file.
 */
const trusted = new Map<string, Promise<string | undefined>>();

async function withPlainDuckDB<T>(extensionDir: string, fn: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:', {
    extension_directory: extensionDir, allow_unsigned_extensions: 'false', autoload_known_extensions: 'false', autoinstall_known_extensions: 'false',
  });
  try {
    return await withConnection(instance, fn);
  } finally {
    instance.closeSync();
  }
}

async function versionAndPlatform(dir: string): Promise<[string, string]> {
  return withPlainDuckDB(dir, async (db) => {
    const version = String((await db.runAndReadAll('SELECT version() AS v')).getRowObjects()[0]!.v);
    const platform = String((await db.runAndReadAll('PRAGMA platform')).getRowObjects()[0]!.platform);
    return [version, platform];
  });
}

async function signatureValid(dir: string, file: string): Promise<boolean> {
  return withPlainDuckDB(dir, async (db) => db.run(`LOAD ${quoteLiteral(file)}`).then(() => true, () => false));
}

const COPY_PREFIX = 's3bridge-extensions-';

/** Copies left by processes that died without their exit handler (SIGKILL): 75 MB each. */
function removeDeadProcessesCopies(): void {
  for (const name of readdirSync(os.tmpdir())) {
    const pid = Number(/^s3bridge-extensions-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  }
}

async function privateCopy(dir: string): Promise<string | undefined> {
  const [version, platform] = await versionAndPlatform(dir);
  const source = path.join(dir, version, platform);
  let names: string[];
  try {
    // Regular files only: a symlink could point anywhere, later.
    names = readdirSync(source).filter((name) => name.endsWith('.duckdb_extension') && lstatSync(path.join(source, name)).isFile());
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  removeDeadProcessesCopies();
  const root = mkdtempSync(path.join(os.tmpdir(), `${COPY_PREFIX}${process.pid}-`));
  const target = path.join(root, version, platform);
  mkdirSync(target, { recursive: true, mode: 0o700 });
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  for (const name of names) {
    const copy = path.join(target, name);
    copyFileSync(path.join(source, name), copy);
    chmodSync(copy, 0o400);
    if (!(await signatureValid(root, copy))) {
      rmSync(root, { recursive: true, force: true });
      return undefined;
    }
  }
  return root;
}

/**
 * The private folder of signature-checked copies of the vendored extensions in `dir`, made once per
 * process; undefined when a file fails its check (then signatures stay required).
 */
export function trustedExtensionDir(dir: string): Promise<string | undefined> {
  let result = trusted.get(dir);
  if (!result) {
    result = privateCopy(dir).catch(() => undefined);
    trusted.set(dir, result);
  }
  return result;
}
