import type { Command } from 'commander';
import type { DiscoveryReport } from '../../workflow-safe/discovery/discovery-report';
import { discoveryProgressQuery } from '../../../workflows/definitions';
import { action, wholeNumber } from '../action';
import { UsageError, type RegisterCommand } from '../command';
import { followRun, type ProgressLine } from '../follow-run';
import { readConnectionArg } from '../read-connection-arg';

/** A human summary of a discovery: counts, skipped tables, problems, the diff. */
function formatDiscoveryReport(report: DiscoveryReport): string {
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

export const registerDiscover: RegisterCommand = (program: Command, context) => {
  program.command('discover')
    .description('discover (or resync) a source connection\'s tables into the catalog; --every schedules resyncs')
    .argument('<connection>', 'a stored connection\'s name, inline JSON or @file.json')
    .option('--sample-files <n>', 'files per table whose schema DuckDB reads (default 5)')
    .option('--no-hold-drift', 'apply schema changes at once instead of holding them for review')
    .option('--every <interval>', 'create or update the Temporal Schedule that resyncs every 30m, 6h, 1d')
    .option('--detach', 'print the run\'s ID and link and return at once')
    .action(action(context, async (arg: string, options: { sampleFiles?: string; holdDrift: boolean; every?: string; detach?: boolean }) => {
      const s3bridge = await context.s3bridge();
      const connection = readConnectionArg(arg);
      if (options.every) {
        if (typeof connection !== 'string') throw new UsageError('a resync schedule needs a stored connection name');
        const scheduleId = await s3bridge.scheduleResync({ connection, every: options.every });
        context.emit({ scheduleId, every: options.every }, (v) => `scheduled resync of "${connection}" every ${v.every}: Temporal Schedule ${v.scheduleId}`);
        return;
      }
      const handle = await s3bridge.startDiscoverSchema({
        connection: connection as never,
        ...(options.sampleFiles ? { sampleFiles: wholeNumber('--sample-files', options.sampleFiles, 5) } : {}),
        holdDrift: options.holdDrift,
      });
      const { result, started } = await followRun<DiscoveryReport>(context, handle, { detach: options.detach, progress: discoveryProgressLine });
      if (!result) context.emit(started, (s) => s.workflowId);
      else context.emit(result, formatDiscoveryReport);
    }));
};

const discoveryProgressLine: ProgressLine = async (handle) => {
  const p = await handle.query(discoveryProgressQuery);
  return `discovery: ${p.tablesDone}/${p.tableCount} tables`;
};
