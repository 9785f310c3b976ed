import { runCli } from './program';

/** `s3bridge <command>` (bin/s3bridge, `npm run cli --`): the s3bridge command line. */
runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
