import { startQueryWarehouse } from '../client/warehouse-client';
import type { QueryWarehouseResult } from '../workflow-safe/inputs/warehouse-maintenance-input';
import type { CliContext } from './context';
import { followRun } from './follow-run';

/** Runs a read-only query on the worker (which owns the warehouse file) and returns its rows. */
export async function queryWarehouse(context: CliContext, sql: string, limit: number, timeoutSeconds?: number): Promise<QueryWarehouseResult> {
  const handle = await startQueryWarehouse(await context.s3bridge(), { sql, limit, timeoutSeconds });
  const { result } = await followRun<QueryWarehouseResult>(context, handle, { quiet: true });
  return result!;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Rows as an aligned text table with a header; long cells are cut at 60 characters. */
export function formatRows(result: QueryWarehouseResult): string {
  const names = result.columns.map((c) => c.name);
  const cells = result.rows.map((row) => names.map((n) => {
    const text = cell(row[n]).replace(/\s+/g, ' ');
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  }));
  const widths = names.map((n, i) => Math.max(n.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [
    line(names),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
    `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ', more not shown: raise --limit' : ''})`,
  ].join('\n');
}
