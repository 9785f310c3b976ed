import { readFileSync } from 'node:fs';
import { UsageError } from './command';

/** Reads a text argument: inline text, `@path/to/file`, or `-` for stdin. */
export function readTextArg(value: string): string {
  return value === '-' ? readFileSync(0, 'utf8') : value.startsWith('@') ? readFileSync(value.slice(1), 'utf8') : value;
}

/** Reads a JSON argument: inline JSON, `@path/to/file.json`, or `-` for stdin. */
export function readJsonArg(value: string | undefined, what: string): unknown {
  if (value === undefined) throw new UsageError(`missing ${what}: pass inline JSON, @file.json or - for stdin`);
  const text = readTextArg(value);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}
