import { parseArgs } from 'node:util';
import { createTemporalClient } from '../../client/create-client';
import { S3BridgeClient } from '../../client/s3bridge-client';
import type { MigrationReport } from '../../shared/export/migration';
import { UsageError, type CliCommand } from '../command';

function formatMigration(report: MigrationReport): string {
  return [
    `${report.from} -> ${report.to}: ${report.status} (step ${report.step})${report.reason ? `: ${report.reason}` : ''}`,
    ...report.findings.map((f) => `  ${f}`),
  ].join('\n');
}

const CONTROLS = ['status', 'pause', 'resume', 'approve', 'refuse', 'abort'];

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'move exports to a new destination: validate, test prefix, verify, switch, overlap, disable the old one (or status/pause/resume/approve/refuse/abort)',
  usage: [
    's3bridge migrate <from> <to> [--from-hour HOUR --to-hour HOUR] [--overlap "1 hour"] [--require-approval] [--table schema.table] [--source-id ID] [--detach] [--json]',
    '       s3bridge migrate status|pause|resume <from> <to>',
    '       s3bridge migrate approve|refuse <from> <to> [--by NAME] [--note TEXT]',
    '       s3bridge migrate abort <from> <to> [--reason TEXT]',
  ].join('\n'),
  async run(args, { settings }) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: {
        'from-hour': { type: 'string' }, 'to-hour': { type: 'string' }, overlap: { type: 'string' }, 'require-approval': { type: 'boolean' },
        table: { type: 'string' }, 'source-id': { type: 'string' }, detach: { type: 'boolean' }, json: { type: 'boolean' },
        by: { type: 'string' }, note: { type: 'string' }, reason: { type: 'string' },
      },
    });
    const client = new S3BridgeClient(await createTemporalClient(settings), settings);
    const control = CONTROLS.includes(positionals[0] ?? '') ? positionals.shift() : undefined;
    const [from, to] = positionals;
    if (!from || !to) throw new UsageError('name the old and the new destination');
    if (control === 'status') {
      const state = await client.queryMigration(from, to);
      console.log(values.json ? JSON.stringify(state, null, 2) : formatMigration(state));
    } else if (control === 'pause' || control === 'resume') {
      await (control === 'pause' ? client.pauseMigration(from, to) : client.resumeMigration(from, to));
      console.log(`${control} sent to the migration ${from} -> ${to}`);
    } else if (control === 'approve' || control === 'refuse') {
      const answer = await client.approveMigration(from, to, { approve: control === 'approve', ...(values.by ? { by: values.by } : {}), ...(values.note ? { note: values.note } : {}) });
      console.log(`${answer.accepted ? 'accepted' : 'not accepted'}: ${answer.message}`);
      if (!answer.accepted) process.exitCode = 1;
    } else if (control === 'abort') {
      await client.abortMigration(from, to, values.reason);
      console.log(`abort sent: the migration ${from} -> ${to} rolls back`);
    } else {
      const input = {
        from, to,
        ...(values['from-hour'] || values['to-hour'] ? { windows: { from: values['from-hour'] ?? '', to: values['to-hour'] ?? '' } } : {}),
        ...(values.overlap ? { overlap: values.overlap } : {}),
        ...(values['require-approval'] ? { requireApproval: true } : {}),
        ...(values.table || values['source-id'] ? { export: { ...(values.table ? { table: values.table } : {}), ...(values['source-id'] ? { sourceId: values['source-id'] } : {}) } } : {}),
      };
      const handle = await client.startMigrateDestination(input);
      if (values.detach) {
        console.log(`started migration ${handle.workflowId}; watch it with \`s3bridge migrate status ${from} ${to}\``);
        return;
      }
      const report = await handle.result();
      console.log(values.json ? JSON.stringify(report, null, 2) : formatMigration(report));
      if (report.status !== 'completed') process.exitCode = 1;
    }
  },
};
