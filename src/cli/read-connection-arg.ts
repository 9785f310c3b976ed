import { readJsonArg } from './read-json-arg';

/** A connection argument: a stored connection's name, inline JSON, `@file.json` or `-` (stdin). */
export function readConnectionArg(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  return value.trim().startsWith('{') || value.startsWith('@') || value === '-' ? readJsonArg(value, 'the connection') : value;
}
