import { parseArgs } from 'node:util';
import { createTemporalClient } from '../../client/create-client';
import { S3BridgeClient } from '../../client/s3bridge-client';
import type { DiscoveredTable } from '../../shared/catalog/discovered-table';
import { withCatalog } from '../with-catalog';
import { UsageError, type CliCommand } from '../command';

function summary(t: DiscoveredTable): string {
  const partitions = t.partitionKeys.map((k) => `${k.name}(${k.values.length})`).join('/') || '-';
  const drift = t.drift ? `drift ${t.drift.status}` : '';
  return [t.name, t.layout, t.format, `${t.fileCount} files`, `${t.totalBytes} bytes`, `partitions ${partitions}`,
    `${t.columns.length} columns`, `${t.problems?.length ?? 0} problems`, drift].filter(Boolean).join('\t');
}

export const tablesCommand: CliCommand = {
  name: 'tables',
  summary: 'list or show a connection\'s discovered tables; approve a table\'s held schema change',
  usage: 's3bridge tables list <connection> [--json] | tables show <connection> <table> | tables approve-drift <connection> <table>',
  async run(args, { settings }) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
    const [sub, connection, table] = positionals;
    if (!connection) throw new UsageError('missing the connection name');
    if (sub === 'list') {
      const tables = await withCatalog(settings, (catalog) => catalog.listDiscoveredTables(connection));
      if (values.json) console.log(JSON.stringify(tables, null, 2));
      else if (tables.length === 0) console.log(`no tables discovered for "${connection}": run \`s3bridge discover ${connection}\``);
      else for (const t of tables) console.log(summary(t));
      return;
    }
    if (!table) throw new UsageError('missing the table name');
    if (sub === 'show') {
      console.log(JSON.stringify(await withCatalog(settings, (catalog) => catalog.getDiscoveredTable(connection, table)), null, 2));
      return;
    }
    if (sub === 'approve-drift') {
      const client = new S3BridgeClient(await createTemporalClient(settings), settings);
      const { drift, signalled } = await client.approveTableDrift({ connection, table });
      console.log(`approved the schema change of ${connection}.${table} at ${drift.approvedAt ?? ''}; signalled ${signalled.length} running import${signalled.length === 1 ? '' : 's'}${signalled.length ? `: ${signalled.join(', ')}` : ''}`);
      return;
    }
    throw new UsageError(`unknown subcommand "${sub ?? ''}"`);
  },
};
