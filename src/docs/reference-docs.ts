import { workflowInputSchemas } from '../workflow-safe/inputs/workflow-input-schemas';
import { cliReference } from './cli-reference';
import { settingsReference } from './settings-reference';
import { workflowInputsReference } from './workflow-inputs-reference';

/**
 * Every file generated from the code, by path from the project root: the JSON Schemas of the
 * workflow inputs (schemas/) and the reference pages (docs/reference/). `npm run docs` writes
 * them; test/docs/reference-docs.test.ts fails when one on disk differs.
 */
export function generatedDocs(): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(workflowInputSchemas()).map(([file, text]) => [`schemas/${file}`, text])),
    'docs/reference/settings.md': settingsReference(),
    'docs/reference/cli.md': cliReference(),
    'docs/reference/workflow-inputs.md': workflowInputsReference(),
  };
}
