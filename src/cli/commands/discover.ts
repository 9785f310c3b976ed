import { parseArgs } from 'node:util';
import { createTemporalClient } from '../../client/create-client';
import { S3BridgeClient } from '../../client/s3bridge-client';
import type { DiscoveryReport } from '../../shared/discovery/discovery-report';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { readJsonArg } from '../read-json-arg';

/** A human summary of a discovery: counts, skipped tables, problems, the diff. */
export function formatDiscoveryReport(report: DiscoveryReport): string {
  const { diff } = report;
  const lines = [
    `discovered ${report.tablesDiscovered} tables of "${report.connection}" (${report.objectsListed} objects, ${report.bytesListed} bytes) in ${(Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000}s`,
    ...report.skipped.map((s) => `  skipped ${s.name}: ${s.reason}`),
    ...report.schemaProblems.map((p) => `  problem: ${p.message}`),
  ];
  if (report.tablesWithProblems.length > 0) lines.push(`  tables with problems (see \`s3bridge tables show\`): ${report.tablesWithProblems.join(', ')}`);
  if (diff.tablesAdded.length > 0) lines.push(`  tables added: ${diff.tablesAdded.join(', ')}`);
  if (diff.tablesRemoved.length > 0) lines.push(`  tables removed: ${diff.tablesRemoved.join(', ')}`);
  for (const t of diff.tablesChanged) {
    const parts = [
      ...t.columnsAdded.map((c) => `+${c.name} ${c.type}`),
      ...t.columnsRemoved.map((c) => `-${c.name} ${c.type}`),
      ...t.typeChanges.map((c) => `${c.column}: ${c.from} -> ${c.to}`),
      ...(t.formatChange ? [`format ${t.formatChange.from} -> ${t.formatChange.to}`] : []),
      ...t.newPartitionValues.map((p) => `${p.values.length} new ${p.key} value${p.values.length === 1 ? '' : 's'}`),
    ];
    lines.push(`  changed ${t.name}: ${parts.join(', ')}`);
  }
  if (report.drifted.length > 0) {
    lines.push(`  held for review (imports wait): ${report.drifted.join(', ')}; approve with \`s3bridge tables approve-drift ${report.connection} <table>\``);
  }
  return lines.join('\n');
}

export const discoverCommand: CliCommand = {
  name: 'discover',
  summary: 'discover (or resync) a source connection\'s tables into the catalog; --every schedules resyncs',
  usage: 's3bridge discover <connection | JSON | @file.json> [--sample-files N] [--no-hold-drift] [--every 6h] [--json]',
  async run(args, { settings }) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: { 'sample-files': { type: 'string' }, 'no-hold-drift': { type: 'boolean' }, every: { type: 'string' }, json: { type: 'boolean' } },
    });
    const arg = positionals[0];
    if (!arg) throw new UsageError('missing the connection');
    const client = new S3BridgeClient(await createTemporalClient(settings), settings);
    if (values.every) {
      if (arg.trim().startsWith('{') || arg.startsWith('@')) throw new UsageError('a resync schedule needs a stored connection name');
      const scheduleId = await client.scheduleResync({ connection: arg, every: values.every });
      console.log(`scheduled resync of "${arg}" every ${values.every}: Temporal Schedule ${scheduleId}`);
      return;
    }
    const connection = arg.trim().startsWith('{') || arg.startsWith('@') ? readJsonArg(arg, 'the connection') : arg;
    const report = await client.discoverSchema({
      connection: connection as never,
      ...(values['sample-files'] ? { sampleFiles: Number(values['sample-files']) } : {}),
      holdDrift: !values['no-hold-drift'],
    });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatDiscoveryReport(report));
  },
};
