import { parseArgs } from 'node:util';
import { createTemporalClient } from '../../client/create-client';
import { S3BridgeClient } from '../../client/s3bridge-client';
import type { CliCommand } from '../command';
import { readJsonArg } from '../read-json-arg';

export const checkSetupCommand: CliCommand = {
  name: 'check-setup',
  summary: 'list a bucket and read one Parquet object through the worker (smoke test)',
  usage: 's3bridge check-setup --connection <name | JSON | @file.json> [--sample-key KEY]',
  async run(args, { settings }) {
    const { values } = parseArgs({ args, options: { connection: { type: 'string' }, 'sample-key': { type: 'string' } } });
    const connection = values.connection?.trim().startsWith('{') || values.connection?.startsWith('@')
      ? readJsonArg(values.connection, '--connection')
      : values.connection;
    const client = new S3BridgeClient(await createTemporalClient(settings), settings);
    const result = await client.checkSetup({ connection: connection as never, sampleKey: values['sample-key'] });
    console.log(JSON.stringify(result, null, 2));
  },
};
