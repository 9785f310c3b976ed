import { createTemporalClient } from '../../client/create-client';
import { S3BridgeClient } from '../../client/s3bridge-client';
import { UsageError, type CliCommand } from '../command';
import { formatImportReport, IMPORT_USAGE, importInputFromArgs } from '../import-args';

export const backfillCommand: CliCommand = {
  name: 'backfill',
  summary: 'import a historical range of days (alongside a scheduled import; the same day never loads twice at once)',
  usage: `s3bridge backfill --from YYYY-MM-DD --to YYYY-MM-DD ${IMPORT_USAGE}`,
  async run(args, { settings }) {
    const { input, values } = importInputFromArgs(args, { from: { type: 'string' }, to: { type: 'string' } });
    if (!values.from || !values.to) throw new UsageError('a backfill needs --from and --to');
    const report = await new S3BridgeClient(await createTemporalClient(settings), settings)
      .backfill({ ...input, days: { from: String(values.from), to: String(values.to) } });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatImportReport(report));
  },
};
