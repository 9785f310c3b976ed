import { createTemporalClient } from '../../client/create-client';
import { S3BridgeClient } from '../../client/s3bridge-client';
import type { CliCommand } from '../command';
import { formatImportReport, IMPORT_USAGE, importInputFromArgs } from '../import-args';

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'import a discovered table into the warehouse, one day partition at a time (new and changed days by default)',
  usage: `s3bridge import ${IMPORT_USAGE}`,
  async run(args, { settings }) {
    const { input, values } = importInputFromArgs(args);
    const report = await new S3BridgeClient(await createTemporalClient(settings), settings).importTable(input);
    console.log(values.json ? JSON.stringify(report, null, 2) : formatImportReport(report));
  },
};
