import type { Command } from 'commander';
import { listRuns, runsQuery } from '../../client/run-control';
import { startResetTable } from '../../client/warehouse-client';
import { quoteLiteral } from '../../duckdb/sql';
import type { DiscoveredTable } from '../../workflow-safe/catalog/discovered-table';
import type { ResetTableResult } from '../../workflow-safe/inputs/warehouse-maintenance-input';
import { withCatalog } from '../../client/with-catalog';
import { action, wholeNumber } from '../action';
import { CliFailure, UsageError, type RegisterCommand } from '../command';
import { followRun } from '../follow-run';
import { formatRows, queryWarehouse } from '../warehouse-query';

function summary(t: DiscoveredTable): string {
  const partitions = t.partitionKeys.map((k) => `${k.name}(${k.values.length})`).join('/') || '-';
  const drift = t.drift ? `drift ${t.drift.status}` : '';
  return [t.name, t.layout, t.format, `${t.fileCount} files`, `${t.totalBytes} bytes`, `partitions ${partitions}`,
    `${t.columns.length} columns`, `${t.problems?.length ?? 0} problems`, drift].filter(Boolean).join('\t');
}

export const registerTables: RegisterCommand = (program: Command, context) => {
  const tables = program.command('tables').description('discovered tables: list, show, approve a held schema change; the load ledger; reset a table\'s imports');

  tables.command('list')
    .description('the connection\'s discovered tables')
    .argument('<connection>', 'a stored connection')
    .action(action(context, async (connection: string) => {
      const list = await withCatalog(context.settings, (catalog) => catalog.listDiscoveredTables(connection));
      context.emit(list, (l) => (l.length === 0 ? `no tables discovered for "${connection}": run \`s3bridge discover ${connection}\`` : l.map(summary).join('\n')));
    }));

  tables.command('show')
    .description('one table: columns, partitions, problems, drift')
    .argument('<connection>', 'a stored connection')
    .argument('<table>', 'a discovered table')
    .action(action(context, async (connection: string, table: string) => {
      context.emit(await withCatalog(context.settings, (catalog) => catalog.getDiscoveredTable(connection, table)), (t) => JSON.stringify(t, null, 2));
    }));

  tables.command('approve-drift')
    .description('approve a table\'s held schema change; waiting imports carry on')
    .argument('<connection>', 'a stored connection')
    .argument('<table>', 'a discovered table')
    .action(action(context, async (connection: string, table: string) => {
      const result = await (await context.s3bridge()).approveTableDrift({ connection, table });
      context.emit(result, ({ drift, signalled }) => `approved the schema change of ${connection}.${table} at ${drift.approvedAt ?? ''}; `
        + `signalled ${signalled.length} running import${signalled.length === 1 ? '' : 's'}${signalled.length ? `: ${signalled.join(', ')}` : ''}`);
    }));

  tables.command('status')
    .description('the load ledger: each day loaded, its rows, rejects, files, bytes, load ID and when (read through the worker)')
    .argument('<connection>', 'a stored connection')
    .argument('[table]', 'one table (default: every table of the connection)')
    .option('--limit <n>', 'rows returned at most (up to 10000)', '1000')
    .action(action(context, async (connection: string, table: string | undefined, options: { limit: string }) => {
      const sql = `SELECT table_name AS "table", unit, row_count AS rows, rejected_rows, file_count AS files, bytes, target, load_id,
          strftime(loaded_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS loaded_at
        FROM s3bridge.load_ledger WHERE connection = ${quoteLiteral(connection)} ${table ? `AND table_name = ${quoteLiteral(table)}` : ''}
        ORDER BY table_name, unit`;
      const result = await queryWarehouse(context, sql, wholeNumber('--limit', options.limit, 1000));
      context.emit(result, (r) => (r.rows.length === 0 ? `nothing imported yet for ${connection}${table ? `/${table}` : ''}` : formatRows(r)));
    }));

  tables.command('reset')
    .description('forget a table\'s imports (its warehouse rows, ledger, rejects, accepted schema) so the next import loads every day again')
    .argument('<connection>', 'a stored connection')
    .argument('<table>', 'a discovered table')
    .option('--yes', 'confirm: the table\'s imported rows are deleted')
    .action(action(context, async (connection: string, table: string, options: { yes?: boolean }) => {
      if (!options.yes) throw new UsageError(`tables reset deletes every imported row of ${connection}/${table}; pass --yes to confirm`);
      const s3bridge = await context.s3bridge();
      const running = await listRuns(s3bridge.temporal, runsQuery({ connection, table, status: 'Running' }), 5);
      if (running.length > 0) throw new CliFailure(`${connection}/${table} is being imported (${running.map((r) => r.workflowId).join(', ')}); cancel it first (\`s3bridge cancel <id>\`)`);
      const { result } = await followRun<ResetTableResult>(context, await startResetTable(s3bridge, { connection, table }), { quiet: true });
      context.emit(result!, (r) => `reset ${r.connection}/${r.table}: ${r.rowsDeleted} rows, ${r.ledgerEntries} ledger entries and ${r.rejectsDeleted} rejects deleted`
        + `${r.targets.length ? ` (${r.targets.join(', ')})` : ''}; the next import loads every day again`);
    }));
};
