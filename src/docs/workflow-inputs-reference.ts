import { WORKFLOW_INPUTS } from '../workflow-safe/inputs/workflow-inputs';
import { workflowInputSchemas } from '../workflow-safe/inputs/workflow-input-schemas';
import { GENERATED_NOTE, tableCell } from './markdown';

/** The parts of a JSON Schema (draft 2020-12, as `z.toJSONSchema` writes them) this page reads. */
interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: JsonSchema | boolean;
}

interface Row { field: string; types: string[]; required: boolean; fallback: string; conditions: string[]; notes: string[] }

/** Fields nested deeper than this, or in an object with more fields (an inline connection), are left to the JSON Schema. */
const MAX_DEPTH = 2;
const MAX_NESTED_FIELDS = 6;

/** The alternatives of a union, nested unions flattened (a name, or one of two kinds of connection). */
const alternatives = (schema: JsonSchema): JsonSchema[] =>
  (schema.anyOf ?? schema.oneOf ?? []).flatMap((option) => (option.anyOf ?? option.oneOf ? alternatives(option) : [option]));
const json = (value: unknown): string => `\`${JSON.stringify(value)}\``;

/** A short name for a schema's type: `string`, `integer`, `"all"`, `string or object`... */
function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return json(schema.const);
  if (schema.enum) return schema.enum.map(json).join(', ');
  const union = alternatives(schema);
  if (union.length > 0) return [...new Set(union.map(typeOf))].join(' or ');
  if (schema.type === 'array') return schema.items ? `array of ${typeOf(schema.items)}` : 'array';
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  return schema.type ?? 'any';
}

/** The limits a value must respect: range, length, pattern, format. */
function limitsOf(schema: JsonSchema): string[] {
  const limits: string[] = [];
  const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? `more than ${schema.exclusiveMinimum}` : undefined);
  // zod writes Number.MAX_SAFE_INTEGER as the maximum of every integer: no limit worth saying.
  const high = schema.maximum === Number.MAX_SAFE_INTEGER ? undefined : schema.maximum;
  if (low !== undefined && high !== undefined) limits.push(`${low} to ${high}`);
  else if (low !== undefined) limits.push(typeof low === 'number' ? `at least ${low}` : low);
  else if (high !== undefined) limits.push(`at most ${high}`);
  if (schema.minLength === 1) limits.push('not empty');
  else if (schema.minLength !== undefined && schema.minLength > 1) limits.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) limits.push(`at most ${schema.maxLength} characters`);
  if (schema.minItems !== undefined && schema.minItems > 0) limits.push(`at least ${schema.minItems} items`);
  if (schema.maxItems !== undefined) limits.push(`at most ${schema.maxItems} items`);
  if (schema.format) limits.push(`format ${schema.format}`);
  if (schema.pattern) limits.push(`matches \`${schema.pattern}\``);
  return limits;
}

/** 'when `mode` is "events"': how an object among alternatives is told apart (its constant field). */
function discriminator(schema: JsonSchema): string | undefined {
  const entry = Object.entries(schema.properties ?? {}).find(([, property]) => property.const !== undefined);
  return entry ? `when \`${entry[0]}\` is ${json(entry[1].const)}` : undefined;
}

/**
 * One row per field, nested fields as `parent.child`. A field of objects that are alternatives (the
 * mappings) is listed once with every type it takes, and with the condition under which it exists
 * unless every alternative has it.
 */
function rows(schema: JsonSchema, prefix: string, depth: number): Row[] {
  const out: Row[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const field = `${prefix}${name}`;
    out.push({
      field, types: [typeOf(property)], required: schema.required?.includes(name) ?? false,
      fallback: property.default === undefined ? '' : json(property.default), conditions: [],
      notes: [...(property.description ? [property.description] : []), ...limitsOf(property)],
    });
    if (depth + 1 >= MAX_DEPTH) continue;
    const objects = [property, ...alternatives(property)]
      .filter((object) => object.properties && Object.keys(object.properties).length <= MAX_NESTED_FIELDS);
    const nested = objects.map((object) => ({ when: objects.length > 1 ? discriminator(object) : undefined, rows: rows(object, `${field}.`, depth + 1) }));
    const merged: Row[] = [];
    for (const { when, rows: children } of nested) {
      for (const child of children) {
        const seen = merged.find((row) => row.field === child.field);
        if (!seen) merged.push({ ...child, conditions: when ? [when] : [] });
        else {
          seen.types = [...new Set([...seen.types, ...child.types])];
          if (when) seen.conditions.push(when);
        }
      }
    }
    for (const row of merged) {
      const everywhere = nested.every(({ rows: children }) => children.some((child) => child.field === row.field));
      out.push({ ...row, conditions: everywhere ? [] : row.conditions });
    }
  }
  return out;
}

/** docs/reference/workflow-inputs.md: the fields of every workflow input, from its JSON Schema in schemas/. */
export function workflowInputsReference(): string {
  const schemas = workflowInputSchemas();
  const lines = [
    GENERATED_NOTE('the JSON Schemas in schemas/ (written from the zod schemas in src/workflow-safe/)'),
    '',
    '# Workflow inputs',
    '',
    'The input of every workflow you can start (the Temporal UI\'s "Start Workflow" with task queue `s3bridge`,',
    '`temporal workflow start --type <workflow> --input \'<json>\'`, the CLI, or code): one JSON object. A field',
    'with a default may be left out; an unknown field is refused, with a message that names it. Fields nested',
    `deeper than ${MAX_DEPTH} levels are in the JSON Schema itself.`,
    '',
    ...Object.keys(WORKFLOW_INPUTS).map((workflow) => `- [\`${workflow}\`](#${workflow.toLowerCase()})`),
  ];
  for (const workflow of Object.keys(WORKFLOW_INPUTS)) {
    const file = `${workflow}.input.json`;
    const schema = JSON.parse(schemas[file]!) as JsonSchema;
    lines.push('', `## ${workflow}`, '', `JSON Schema: [schemas/${file}](../../schemas/${file})`, '');
    lines.push('| field | type | required | default | notes |', '|---|---|---|---|---|');
    for (const row of rows(schema, '', 0)) {
      const notes = [...(row.conditions.length > 0 ? [row.conditions.join(' or ')] : []), ...row.notes].join('; ');
      lines.push(`| \`${row.field}\` | ${tableCell(row.types.join(' or '))} | ${row.required ? 'yes' : 'no'} | ${tableCell(row.fallback)} | ${tableCell(notes)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
