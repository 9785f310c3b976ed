import type { Command } from 'commander';
import { deleteSchedule, listSchedules } from '../../client/schedule-control';
import { listRuns, runsQuery } from '../../client/run-control';
import { startRemoveConnection } from '../../client/warehouse-client';
import { Connection, type ConnectionRef } from '../../workflow-safe/connection';
import type { RemoveConnectionResult } from '../../workflow-safe/inputs/warehouse-maintenance-input';
import type { ValidationReport } from '../../workflow-safe/validation/validation-report';
import { catalogLocation, withCatalog } from '../../client/with-catalog';
import { action } from '../action';
import { CliFailure, type RegisterCommand } from '../command';
import type { CliContext } from '../context';
import { followRun } from '../follow-run';
import { formatValidationReport } from '../format-validation-report';
import { readConnectionArg } from '../read-connection-arg';
import { readJsonArg } from '../read-json-arg';
import { withGeneratedExternalId } from '../../client/external-id';

async function validateAndPrint(context: CliContext, connection: ConnectionRef): Promise<void> {
  const handle = await (await context.s3bridge()).startValidateConnection({ connection });
  const { result: report } = await followRun<ValidationReport>(context, handle, {});
  context.emit(report!, formatValidationReport);
  if (report!.status !== 'active') throw new CliFailure(`connection "${report!.connection}" is Failed: ${report!.reason ?? 'see the report'}`);
}

export const registerConnections: RegisterCommand = (program: Command, context) => {
  const connections = program.command('connections').description('add, list, show, validate and remove connections; schedule their re-validation');

  connections.command('add')
    .description('store a connection in the catalog, then validate it')
    .argument('<connection>', 'the connection as inline JSON, @file.json or - (stdin)')
    .option('--no-validate', 'store it without validating')
    .action(action(context, async (arg: string, options: { validate: boolean }) => {
      const { connection: raw, generated } = withGeneratedExternalId(readJsonArg(arg, 'the connection'));
      const connection = Connection.parse(raw);
      await withCatalog(context.settings, (catalog) => catalog.saveConnection(connection));
      context.note(`saved connection "${connection.name}" (${connection.direction}) to ${catalogLocation(context.settings)}`);
      if (generated) context.note(`generated its external ID: ${generated} (the role's trust policy must require it: \`s3bridge policy ${connection.name} --only trust\`)`);
      if (options.validate) await validateAndPrint(context, connection.name);
      else context.emit({ name: connection.name, saved: true }, () => `saved "${connection.name}"; validate it with \`s3bridge connections validate ${connection.name}\``);
    }));

  connections.command('list')
    .description('name, direction, location, status and when')
    .action(action(context, async () => {
      const [stored, statuses] = await withCatalog(context.settings, async (catalog) => [await catalog.listConnections(), await catalog.listConnectionStatuses()] as const);
      const rows = stored.map((c) => {
        const status = statuses.find((s) => s.name === c.name);
        return { name: c.name, direction: c.direction, location: `s3://${c.bucket}/${c.prefix ? `${c.prefix}/` : ''}`, status: status?.status ?? 'not validated', updatedAt: status?.updatedAt ?? null };
      });
      context.emit(rows, (list) => list.length === 0
        ? 'no connections; add one with `s3bridge connections add`'
        : list.map((r) => [r.name, r.direction, r.location, r.updatedAt ? `${r.status} (${r.updatedAt})` : r.status].join('\t')).join('\n'));
    }));

  connections.command('show')
    .description('the connection and its last validation report')
    .argument('<name>', 'a stored connection')
    .action(action(context, async (name: string) => {
      const [connection, status] = await withCatalog(context.settings, async (catalog) => [await catalog.findConnection(name), await catalog.findConnectionStatus(name)] as const);
      if (!connection && !status) throw new CliFailure(`no connection named "${name}"; \`s3bridge connections list\` shows them`);
      // While Processing, the running workflow knows more than the catalog's first row.
      const report = status?.status === 'processing'
        ? await (await context.s3bridge()).queryConnectionValidation(name).catch(() => status.report)
        : status?.report;
      context.emit({ connection, report: report ?? null }, (v) => [
        v.connection ? JSON.stringify(v.connection, null, 2) : '',
        v.report ? formatValidationReport(v.report) : `not validated yet: run \`s3bridge connections validate ${name}\``,
      ].filter(Boolean).join('\n'));
    }));

  connections.command('validate')
    .description('validate a connection (exit code 1 when Failed)')
    .argument('<connection>', 'a stored connection\'s name, inline JSON or @file.json')
    .action(action(context, async (arg: string) => validateAndPrint(context, readConnectionArg(arg) as ConnectionRef)));

  connections.command('schedule')
    .description('create or update the Temporal Schedule that re-validates the connection')
    .argument('<connection>', 'a stored connection\'s name, inline JSON or @file.json')
    .option('--every <interval>', 'how often: 30m, 6h, 1d', '6h')
    .action(action(context, async (arg: string, options: { every: string }) => {
      const scheduleId = await (await context.s3bridge()).scheduleConnectionValidation({ connection: readConnectionArg(arg) as ConnectionRef, every: options.every });
      context.emit({ scheduleId, every: options.every }, (v) => `schedule "${v.scheduleId}" re-validates the connection every ${v.every}`);
    }));

  connections.command('remove')
    .description('remove a connection from the catalog (through the worker, safe while it runs) and delete its Schedules; imported data stays')
    .argument('<name>', 'a stored connection')
    .option('--force', 'remove it even while one of its runs is going')
    .action(action(context, async (name: string, options: { force?: boolean }) => {
      const s3bridge = await context.s3bridge();
      if (!options.force) {
        const running = await listRuns(s3bridge.temporal, runsQuery({ connection: name, status: 'Running' }), 5);
        if (running.length > 0) {
          throw new CliFailure(`connection "${name}" has running runs (${running.map((r) => r.workflowId).join(', ')}); cancel them (\`s3bridge cancel <id>\`) or pass --force`);
        }
      }
      const { result } = await followRun<RemoveConnectionResult>(context, await startRemoveConnection(s3bridge, { connection: name }), { quiet: true });
      if (!result!.removed) throw new CliFailure(`no connection named "${name}"; \`s3bridge connections list\` shows them`);
      const schedules = (await listSchedules(s3bridge.temporal)).filter((s) => s.connection === name);
      for (const s of schedules) await deleteSchedule(s3bridge.temporal, s.scheduleId);
      const removed = { ...result!, schedulesDeleted: schedules.map((s) => s.scheduleId) };
      context.emit(removed, (r) => `removed connection "${r.connection}" and ${r.tablesForgotten} discovered tables from the catalog`
        + `${r.schedulesDeleted.length ? `; deleted schedules ${r.schedulesDeleted.join(', ')}` : ''}; imported data stays (\`s3bridge tables reset\` forgets a table's imports)`);
    }));
};
