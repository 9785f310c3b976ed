import type { Client } from '@temporalio/client';

/** Every string and decoded payload in a value (a history), joined: what anyone reading the history sees. */
function collect(value: unknown, out: string[]): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) value.forEach((v) => collect(v, out));
  else if (typeof value === 'object') Object.values(value as Record<string, unknown>).forEach((v) => collect(v, out));
}

/** The text of the workflows' histories (payloads decoded): inputs, results, failures, heartbeats. */
export async function historyText(temporal: Client, workflowIds: string[]): Promise<string> {
  const out: string[] = [];
  for (const id of workflowIds) collect(await temporal.workflow.getHandle(id).fetchHistory(), out);
  return out.join('\n');
}
