import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_VARIABLES, type EnvironmentVariable } from '../../src/config/environment-variables';
import { loadSettings } from '../../src/config/settings';

const root = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const file = path.join(dir, entry);
    return statSync(file).isDirectory() ? sources(file) : file.endsWith('.ts') ? [file] : [];
  });
}

const variables = ENVIRONMENT_VARIABLES.flatMap((group) => group.variables as readonly EnvironmentVariable[]);
const code = ['src', 'activities', 'workflows'].flatMap((dir) => sources(path.join(root, dir))).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

describe('the table of environment variables (src/config/environment-variables.ts)', () => {
  it('names every variable the code reads', () => {
    // A variable counts as named when it has a row, or is named in a row's text (TEMPORAL_TLS_*, AWS_REGION).
    const named = JSON.stringify(ENVIRONMENT_VARIABLES);
    const unnamed = code.flatMap(({ file, text }) => [...text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]+)|\[['"]([A-Z][A-Z0-9_]+)['"]\])/g)]
      .map((match) => match[1] ?? match[2]!)
      .filter((name) => !named.includes(name))
      .map((name) => `${name} (${path.relative(root, file)})`));
    expect(unnamed).toEqual([]);
  });

  it('has no row for a variable nothing reads', () => {
    const unread = variables.map((variable) => variable.name)
      .filter((name) => name.startsWith('S3BRIDGE_') && !code.some(({ file, text }) => !file.endsWith('environment-variables.ts') && text.includes(name)));
    expect(unread).toEqual([]);
  });

  it('gives each variable one row, and a default or what unset means', () => {
    const names = variables.map((variable) => variable.name);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
    expect(variables.filter((variable) => (variable.default === undefined) === (variable.unset === undefined)).map((v) => v.name)).toEqual([]);
  });

  it('holds the defaults loadSettings uses', () => {
    const settings = loadSettings({});
    expect([settings.duckdbMemoryLimit, settings.duckdbMaxTempSize, settings.store, settings.taskQueue, settings.temporalUiUrl, path.basename(settings.dataDir)])
      .toEqual(['2GB', '20GB', 'embedded', 's3bridge', 'http://127.0.0.1:8233', '.s3bridge']);
    expect(settings.directLoadMinFileBytes).toBe(256 * 1024);
  });
});
