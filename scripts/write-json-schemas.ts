import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { workflowInputSchemas } from '../src/workflow-safe/inputs/workflow-input-schemas';

/** `npm run schemas`: writes the JSON Schema of every workflow input to schemas/ (a test checks they are current). */
const dir = path.resolve(__dirname, '../schemas');
mkdirSync(dir, { recursive: true });
const schemas = workflowInputSchemas();
for (const file of readdirSync(dir)) if (file.endsWith('.input.json') && !(file in schemas)) rmSync(path.join(dir, file));
for (const [file, text] of Object.entries(schemas)) writeFileSync(path.join(dir, file), text);
console.log(`wrote ${Object.keys(schemas).length} schemas to ${dir}`);
