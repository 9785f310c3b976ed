import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedDocs } from '../../src/docs/reference-docs';

const root = path.resolve(__dirname, '../..');

describe('the files generated from the code', () => {
  const files = generatedDocs();

  it('docs/reference and schemas/ hold what the code generates (run `npm run docs` after changing a setting, a command or an input)', () => {
    for (const [file, text] of Object.entries(files)) {
      expect(existsSync(path.join(root, file)), `${file} is missing: run npm run docs`).toBe(true);
      expect(readFileSync(path.join(root, file), 'utf8'), `${file} is stale: run npm run docs`).toBe(text);
    }
    const reference = readdirSync(path.join(root, 'docs/reference')).map((file) => `docs/reference/${file}`);
    expect(reference.filter((file) => !(file in files)), 'pages in docs/reference that nothing generates').toEqual([]);
  });

  it('the CLI page has the help of every command and subcommand', () => {
    const page = files['docs/reference/cli.md']!;
    for (const command of ['s3bridge import', 's3bridge connections add', 's3bridge export schedule', 's3bridge migrate abort', 's3bridge sql']) {
      expect(page).toContain(`## ${command}\n\n\`\`\`text\nUsage: ${command} `);
    }
    // Text added after the help (the environment and exit codes) is part of what --help prints.
    expect(page).toContain('Exit codes: 0 success, 1 failure');
  });

  it('the settings page has each variable with its default, and the workflow inputs page each field with its description', () => {
    expect(files['docs/reference/settings.md']).toContain('| `S3BRIDGE_DUCKDB_MEMORY_LIMIT` | `2GB` | DuckDB `memory_limit` of each instance |');
    expect(files['docs/reference/workflow-inputs.md']).toContain(
      '| `concurrency` | integer | no | `4` | days loaded at once (child workflows in flight); 1 to 64 |',
    );
    // Alternatives (the mappings) list a shared field once with every value it takes.
    expect(files['docs/reference/workflow-inputs.md']).toContain('| `mapping.mode` | `"raw"` or `"events"` or `"metrics"` | yes |  |  |');
  });
});
