import { parseArgs } from 'node:util';
import { createTemporalClient } from '../../client/create-client';
import { S3BridgeClient } from '../../client/s3bridge-client';
import type { Settings } from '../../config/settings';
import { Connection, type ConnectionRef } from '../../shared/connection';
import { catalogLocation, withCatalog } from '../with-catalog';
import { UsageError, type CliCommand } from '../command';
import { formatValidationReport } from '../format-validation-report';
import { readConnectionArg } from '../read-connection-arg';
import { readJsonArg } from '../read-json-arg';

async function client(settings: Settings): Promise<S3BridgeClient> {
  return new S3BridgeClient(await createTemporalClient(settings), settings);
}

async function validateAndPrint(settings: Settings, connection: ConnectionRef): Promise<void> {
  const report = await (await client(settings)).validateConnection({ connection });
  console.log(formatValidationReport(report));
  if (report.status !== 'active') process.exitCode = 1;
}

async function add(args: string[], settings: Settings): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'no-validate': { type: 'boolean' } } });
  const connection = Connection.parse(readJsonArg(positionals[0], 'the connection'));
  await withCatalog(settings, (catalog) => catalog.saveConnection(connection));
  console.log(`saved connection "${connection.name}" (${connection.direction}) to ${catalogLocation(settings)}`);
  if (!values['no-validate']) await validateAndPrint(settings, connection.name);
}

async function list(settings: Settings): Promise<void> {
  const [connections, statuses] = await withCatalog(settings, async (catalog) => [await catalog.listConnections(), await catalog.listConnectionStatuses()] as const);
  if (connections.length === 0) {
    console.log('no connections; add one with `s3bridge connections add`');
    return;
  }
  for (const c of connections) {
    const status = statuses.find((s) => s.name === c.name);
    const where = `s3://${c.bucket}/${c.prefix ? `${c.prefix}/` : ''}`;
    console.log([c.name, c.direction, where, status ? `${status.status} (${status.updatedAt})` : 'not validated'].join('\t'));
  }
}

async function show(name: string | undefined, settings: Settings): Promise<void> {
  if (!name) throw new UsageError('missing the connection name');
  const [connection, status] = await withCatalog(settings, async (catalog) => [await catalog.findConnection(name), await catalog.findConnectionStatus(name)] as const);
  if (!connection && !status) throw new UsageError(`no connection or validation named "${name}" in ${catalogLocation(settings)}`);
  if (connection) console.log(JSON.stringify(connection, null, 2));
  if (!status) {
    console.log('not validated yet: run `s3bridge connections validate ' + name + '`');
    return;
  }
  // While Processing, the running workflow knows more than the catalog's first row.
  const report = status.status === 'processing'
    ? await (await client(settings)).queryConnectionValidation(name).catch(() => status.report)
    : status.report;
  console.log(formatValidationReport(report));
}

async function schedule(args: string[], settings: Settings): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { every: { type: 'string' } } });
  const connection = readConnectionArg(positionals[0]);
  if (connection === undefined) throw new UsageError('missing the connection');
  const scheduleId = await (await client(settings)).scheduleConnectionValidation({ connection: connection as ConnectionRef, every: values.every });
  console.log(`schedule "${scheduleId}" re-validates the connection every ${values.every ?? '6h'} (Temporal UI: Schedules)`);
}

export const connectionsCommand: CliCommand = {
  name: 'connections',
  summary: 'add, list, show and validate connections; schedule their re-validation',
  usage: [
    's3bridge connections add <JSON | @file.json | -> [--no-validate]',
    '       s3bridge connections list',
    '       s3bridge connections show <name>',
    '       s3bridge connections validate <name | JSON | @file.json>',
    '       s3bridge connections schedule <name> [--every 6h]',
  ].join('\n'),
  async run([sub, ...args], { settings }) {
    switch (sub) {
      case 'add':
        return add(args, settings);
      case 'list':
        return list(settings);
      case 'show':
        return show(args[0], settings);
      case 'validate': {
        const connection = readConnectionArg(args[0]);
        if (connection === undefined) throw new UsageError('missing the connection');
        return validateAndPrint(settings, connection as ConnectionRef);
      }
      case 'schedule':
        return schedule(args, settings);
      default:
        throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'missing a subcommand');
    }
  },
};
