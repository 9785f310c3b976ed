import type { Client } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflow-safe/observability/search-attributes';

/** The commands that register s3bridge's search attributes on a server, one per type (printed by the worker; in docs/workflows.md). */
export const REGISTER_COMMAND = [...new Set(SEARCH_ATTRIBUTE_KEYS.map((k) => k.type))]
  .map((type) => `temporal operator search-attribute create ${SEARCH_ATTRIBUTE_KEYS.filter((k) => k.type === type).map((k) => `--name ${k.name}`).join(' ')} --type ${type[0]}${type.slice(1).toLowerCase()}`)
  .join(' && ');

/** s3bridge's search attributes the namespace lacks. */
export async function missingSearchAttributes(client: Client, namespace: string): Promise<string[]> {
  const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace });
  return SEARCH_ATTRIBUTE_KEYS.filter((k) => !customAttributes?.[k.name]).map((k) => k.name);
}

/**
 * Registers s3bridge's search attributes where missing (idempotent; needs operator rights,
 * which Temporal Cloud API keys do not have: there, add them in the Cloud UI or with tcld).
 */
export async function registerSearchAttributes(client: Client, namespace: string): Promise<string[]> {
  const missing = await missingSearchAttributes(client, namespace);
  if (missing.length === 0) return [];
  const searchAttributes = Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.filter((k) => missing.includes(k.name)).map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type)!]));
  try {
    await client.connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (error) {
    // Another process registered them at the same moment.
    if (!/already exists/i.test(String(error))) throw error;
  }
  return missing;
}
