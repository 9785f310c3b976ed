import { createTemporalClient } from '../../client/create-client';
import { S3BridgeClient } from '../../client/s3bridge-client';
import type { CliCommand } from '../command';
import { IMPORT_USAGE, importInputFromArgs } from '../import-args';

export const scheduleCommand: CliCommand = {
  name: 'schedule',
  summary: 'create (or replace) the daily Temporal Schedule of an import: new and changed days, after the day closes',
  usage: `s3bridge schedule [--hour 0-23] [--minute 0-59] [--catchup "1 day"] ${IMPORT_USAGE}`,
  async run(args, { settings }) {
    const { input, values } = importInputFromArgs(args, { hour: { type: 'string' }, minute: { type: 'string' }, catchup: { type: 'string' } });
    const scheduleId = await new S3BridgeClient(await createTemporalClient(settings), settings).scheduleImport({
      import: input,
      ...(values.hour ? { hour: Number(values.hour) } : {}),
      ...(values.minute ? { minute: Number(values.minute) } : {}),
      ...(values.catchup ? { catchupWindow: String(values.catchup) } : {}),
    });
    console.log(`scheduled daily import of ${input.table}: Temporal Schedule ${scheduleId}`);
  },
};
