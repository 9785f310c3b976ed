import type { Command } from 'commander';
import type { CliContext } from './context';

/** One CLI command (or group): registers itself, its options and help on the program. */
export type RegisterCommand = (program: Command, context: CliContext) => void;

/** A user error in the command line: one line on stderr, exit code 2. */
export class UsageError extends Error {}

/**
 * A negative outcome already explained (a failed day, a Failed validation, no worker): the
 * message is printed as one line on stderr and the exit code is 1.
 */
export class CliFailure extends Error {}
