import { Command, CommanderError, Option } from 'commander';
import { loadSettings } from '../config/settings';
import { commands } from './commands';
import { CliContext } from './context';
import { describeError, EXIT } from './describe-error';

import packageJson from '../../package.json';

const { version } = packageJson;


/** The `s3bridge` program: global options, every command, usage errors as exit code 2. */
export function buildProgram(context: CliContext): Command {
  const program = new Command('s3bridge')
    .description('s3bridge: import S3 buckets into a DuckDB warehouse with durable Temporal workflows')
    .version(version, '-V, --version', 'print the s3bridge version')
    .addOption(new Option('-o, --output <format>', 'output format: text for people, json for scripts (pipe to jq)').choices(['text', 'json']).default('text'))
    .option('--debug', 'print stack traces of errors')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .exitOverride()
    .addHelpText('after', `
Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE (temporal.toml),
S3BRIDGE_TASK_QUEUE, S3BRIDGE_DATA_DIR, S3BRIDGE_TEMPORAL_UI (see docs/reference/settings.md).
Exit codes: 0 success, 1 failure (a failed day, a failed validation, a failed run, no worker), 2 usage error.`);
  for (const register of commands) register(program, context);
  // Every subcommand gets the same behaviour (commander copies settings only at creation).
  const apply = (command: Command) => {
    command.exitOverride().showSuggestionAfterError(true).showHelpAfterError('(add --help for usage)');
    command.commands.forEach(apply);
  };
  program.commands.forEach(apply);
  return program;
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let context: CliContext | undefined;
  const debug = argv.includes('--debug');
  try {
    context = new CliContext(loadSettings(env));
    const program = buildProgram(context);
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT.usage;
    }
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with exit code 0; every other parse error is a usage error.
      return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code) ? EXIT.ok : EXIT.usage;
    }
    const { message, code } = describeError(error);
    process.stderr.write(`${debug && error instanceof Error ? error.stack ?? message : message}\n`);
    return code;
  } finally {
    await context?.close();
  }
}
