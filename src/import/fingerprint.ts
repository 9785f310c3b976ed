import { createHash } from 'node:crypto';
import type { SourceFile } from '../workflow-safe/import/source-file';

/** Identifies a day's exact file set: any added, removed or rewritten file changes it. */
export function filesFingerprint(files: SourceFile[]): string {
  const lines = files.map((f) => `${f.key}\t${f.etag}\t${f.size}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** Identifies what a load does with the files (mode, mapping): a mapping change reloads the day. */
export function configFingerprint(config: unknown): string {
  return createHash('sha256').update(stableJson(config)).digest('hex').slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
