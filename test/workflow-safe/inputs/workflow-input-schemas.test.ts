import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as workflows from '../../../workflows';
import { workflowInputSchemas } from '../../../src/workflow-safe/inputs/workflow-input-schemas';
import { WORKFLOW_INPUTS } from '../../../src/workflow-safe/inputs/workflow-inputs';

const root = path.resolve(__dirname, '../../..');
/** Workflows only other workflows start, with inputs built by their parent. */
const INTERNAL = new Set(['importDay']);

describe('workflow input JSON Schemas', () => {
  it('lists every workflow users can start', () => {
    expect(Object.keys(WORKFLOW_INPUTS).sort()).toEqual(Object.keys(workflows).filter((w) => !INTERNAL.has(w)).sort());
  });

  it('schemas/ holds the current schema of every input (run `npm run docs` after changing one)', () => {
    const expected = workflowInputSchemas();
    const onDisk = readdirSync(path.join(root, 'schemas')).filter((f) => f.endsWith('.input.json')).sort();
    expect(onDisk).toEqual(Object.keys(expected).sort());
    for (const [file, text] of Object.entries(expected)) expect(readFileSync(path.join(root, 'schemas', file), 'utf8'), file).toBe(text);
  });

  it('docs/workflows.md has an example input per workflow, and each one parses', () => {
    const page = readFileSync(path.join(root, 'docs/workflows.md'), 'utf8');
    for (const [workflow, schema] of Object.entries(WORKFLOW_INPUTS)) {
      const match = new RegExp(`<!-- example: ${workflow} -->\\s*\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(page);
      expect(match, `docs/workflows.md example for ${workflow}`).not.toBeNull();
      const parsed = schema.safeParse(JSON.parse(match![1]!));
      expect(parsed.success, `${workflow}: ${parsed.error?.message ?? ''}`).toBe(true);
    }
  });
});
