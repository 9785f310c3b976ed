import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatedDocs } from '../src/docs/reference-docs';

/**
 * `npm run docs`: writes every file generated from the code (src/docs/reference-docs.ts): the JSON
 * Schema of each workflow input in schemas/, and docs/reference/settings.md, cli.md and
 * workflow-inputs.md. A test fails when one on disk is stale.
 */
const root = path.resolve(__dirname, '..');
const files = generatedDocs();
// A workflow input that no longer exists leaves no schema behind.
for (const file of readdirSync(path.join(root, 'schemas'))) {
  if (file.endsWith('.input.json') && !(`schemas/${file}` in files)) rmSync(path.join(root, 'schemas', file));
}
for (const [file, text] of Object.entries(files)) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}
console.log(`wrote ${Object.keys(files).length} files: ${Object.keys(files).filter((f) => !f.startsWith('schemas/')).join(', ')} and schemas/`);
