import { z } from 'zod';
import { WORKFLOW_INPUTS } from './workflow-inputs';

/**
 * The JSON Schema (draft 2020-12) of each workflow's input, generated from its zod schema with
 * `z.toJSONSchema` in input mode (fields with defaults are optional), keyed by file name.
 */
export function workflowInputSchemas(): Record<string, string> {
  return Object.fromEntries(Object.entries(WORKFLOW_INPUTS).map(([workflow, schema]) => {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    const document = { $id: `https://s3bridge.dev/schemas/${workflow}.input.json`, title: `${workflow} input`, ...json };
    return [`${workflow}.input.json`, `${JSON.stringify(document, null, 2)}\n`];
  }));
}
