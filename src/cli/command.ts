import type { Settings } from '../config/settings';

/** One CLI command: `s3bridge <name> [args]`. Each lives in its own file under commands/. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], context: { settings: Settings }): Promise<void>;
}

/** A user error: printed without a stack trace, exit code 2. */
export class UsageError extends Error {}
