import { createTemporalClient } from '../../client/create-client';
import { S3BridgeClient } from '../../client/s3bridge-client';
import { setDestinationStates } from '../../catalog/destination-store';
import { withWarehouse } from '../../warehouse/embedded-database';
import { UsageError, type CliCommand } from '../command';
import { EXPORT_USAGE, exportInputFromArgs, formatExportReport } from '../export-args';

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export a warehouse table to a destination in hourly windows (Segment segment-logs layout); backfill, schedule, enable, disable',
  usage: [
    `s3bridge export ${EXPORT_USAGE} [--from HOUR --to HOUR]     (without a range: the scheduled windows)`,
    `       s3bridge export backfill ${EXPORT_USAGE} --from HOUR --to HOUR`,
    `       s3bridge export schedule ${EXPORT_USAGE} [--minute 40] [--catchup "1 hour"]`,
    '       s3bridge export enable|disable <destination> [--reason TEXT]',
  ].join('\n'),
  async run(args, { settings }) {
    const [sub, ...rest] = args;
    if (sub === 'enable' || sub === 'disable') {
      const [name, flag, reason] = rest;
      if (!name) throw new UsageError('missing the destination name');
      await withWarehouse(settings, (db) => setDestinationStates(db, [{ name, enabled: sub === 'enable', reason: flag === '--reason' && reason ? reason : `${sub}d by the CLI` }]));
      console.log(`destination "${name}" ${sub}d`);
      return;
    }
    const client = new S3BridgeClient(await createTemporalClient(settings), settings);
    if (sub === 'schedule') {
      const { input, values } = exportInputFromArgs(rest, { minute: { type: 'string' }, catchup: { type: 'string' } });
      const scheduleId = await client.scheduleExport({
        export: input,
        ...(values.minute ? { minute: Number(values.minute) } : {}),
        ...(values.catchup ? { catchupWindow: String(values.catchup) } : {}),
      });
      console.log(`scheduled hourly export: Temporal Schedule ${scheduleId}`);
      return;
    }
    const backfill = sub === 'backfill';
    const { input, values } = exportInputFromArgs(backfill ? rest : args);
    if (backfill && input.windows === undefined) throw new UsageError('a backfill needs --from and --to');
    const report = backfill
      ? await client.backfillExport(input as Parameters<S3BridgeClient['backfillExport']>[0])
      : await client.exportTable(input);
    console.log(values.json ? JSON.stringify(report, null, 2) : formatExportReport(report));
    if (report.status === 'partial') process.exitCode = 1;
  },
};
