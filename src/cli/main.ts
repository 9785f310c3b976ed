import { ZodError } from 'zod';
import { WorkflowFailedError } from '@temporalio/client';
import { loadSettings } from '../config/settings';
import { formatZodIssues } from '../shared/input-errors';
import { UsageError } from './command';
import { commands } from './commands';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return ['usage: s3bridge <command> [options]', '', ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)].join('\n');
}

/** The innermost cause: "Activity task failed" wraps the message that says what to fix. */
function rootCause(error: Error): Error {
  return error.cause instanceof Error ? rootCause(error.cause) : error;
}

/** `npm run cli -- <command>`: the s3bridge command line. */
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (args.includes('--help')) {
    console.log(`usage: ${command.usage}`);
    return 0;
  }
  try {
    await command.run(args, { settings: loadSettings() });
    // A command that printed a negative result (a Failed validation) sets process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof UsageError) console.error(`${error.message}\nusage: ${command.usage}`);
    else if (error instanceof ZodError) console.error(`invalid input:\n${formatZodIssues(error)}`);
    else if (error instanceof WorkflowFailedError) console.error(`workflow failed: ${rootCause(error).message}`);
    else throw error;
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
