import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * DuckDB checks a vendored extension's signature on every LOAD: hashing a 25 MB file costs about
 * 150 ms of CPU per instance, and every day's load opens an instance. So each file's signature is
 * checked once per process, by DuckDB itself (a throwaway instance that requires signatures);
 * instances then load it unchecked while the file is still the one that was checked (same inode,
 * size and modification time, looked at before every instance opens). A changed or unverifiable
 * file means signatures stay required and DuckDB's own LOAD refuses it.
 */
const checked = new Map<string, { identity: string; ok: boolean }>();
let checking: Promise<boolean> | undefined;

function extensionFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.duckdb_extension'))
      .map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}

function identity(file: string): string {
  const stat = statSync(file);
  return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
}

async function signatureValid(dir: string, file: string): Promise<boolean> {
  const instance = await DuckDBInstance.create(':memory:', {
    extension_directory: dir, allow_unsigned_extensions: 'false', autoload_known_extensions: 'false', autoinstall_known_extensions: 'false',
  });
  try {
    const db = await instance.connect();
    try {
      // LOAD by path: exactly this file, with DuckDB's signature check.
      await db.run(`LOAD '${file.replace(/'/g, "''")}'`);
      return true;
    } catch {
      return false;
    } finally {
      db.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

async function verifyAll(dir: string): Promise<boolean> {
  const files = extensionFiles(dir);
  if (files.length === 0) return false;
  let all = true;
  for (const file of files) {
    const now = identity(file);
    let entry = checked.get(file);
    if (entry?.identity !== now) {
      entry = { identity: now, ok: await signatureValid(dir, file) };
      // The file must not have changed while it was checked.
      if (identity(file) !== now) entry.ok = false;
      checked.set(file, entry);
    }
    all &&= entry.ok;
  }
  return all;
}

/** Whether every vendored extension in `dir` is one whose signature DuckDB checked in this process. */
export async function vendoredExtensionsVerified(dir: string): Promise<boolean> {
  // One check at a time: concurrent openers wait for the same one.
  while (checking) await checking.catch(() => undefined);
  checking = verifyAll(dir);
  try {
    return await checking;
  } catch {
    return false;
  } finally {
    checking = undefined;
  }
}
