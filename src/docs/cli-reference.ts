import type { Command } from 'commander';
import { loadSettings } from '../config/settings';
import { CliContext } from '../cli/context';
import { buildProgram } from '../cli/program';
import { GENERATED_NOTE } from './markdown';

const HELP_WIDTH = 100;

/** Every command with its full name, depth first, in the order `--help` lists them. */
function walk(command: Command, parents: string[] = []): { name: string; command: Command }[] {
  const name = [...parents, command.name()];
  return [{ name: name.join(' '), command }, ...command.commands.flatMap((sub) => walk(sub, name))];
}

/** docs/reference/cli.md: commander's own `--help` of every command and subcommand. */
export function cliReference(): string {
  // The help text does not depend on the environment; fixed settings keep the page the same everywhere.
  const program = buildProgram(new CliContext(loadSettings({})));
  const commands = walk(program);
  const lines = [
    GENERATED_NOTE('the commands in src/cli/ (commander\'s own help)'),
    '',
    '# The `s3bridge` command',
    '',
    '`s3bridge <command> --help` prints the same text. Exit codes: `0` success, `1` a failure (a failed day, a failed',
    'validation, a failed run, no worker), `2` a usage error.',
    '',
    ...commands.slice(1).map(({ name }) => `- [\`${name}\`](#${anchor(name)})`),
  ];
  for (const { name, command } of commands) lines.push('', `## ${name}`, '', '```text', helpText(command).trimEnd(), '```');
  return `${lines.join('\n')}\n`;
}

/** What `s3bridge ... --help` prints (text added before and after included), at a fixed width, without colours. */
function helpText(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (chunk) => { text += chunk; }, getOutHelpWidth: () => HELP_WIDTH, getOutHasColors: () => false });
  command.outputHelp();
  return text;
}

/** The anchor GitHub gives a heading: lower case, spaces to dashes, punctuation dropped. */
function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}
