import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { createTemporalClient } from '../client/create-client';
import { S3BridgeClient } from '../client/s3bridge-client';
import type { Settings } from '../config/settings';

export type OutputFormat = 'text' | 'json';

/** Thrown when the Temporal server cannot be reached: one clear line, no stack. */
export class TemporalUnreachable extends Error {}

/**
 * What every command gets: the settings, the output format, and a Temporal client made on first
 * use (commands that only read the catalog never connect).
 */
export class CliContext {
  private client?: Promise<S3BridgeClient>;
  output: OutputFormat = 'text';
  debug = false;

  constructor(readonly settings: Settings, private readonly stdout = process.stdout, private readonly stderr = process.stderr) {}

  /** Reads the global options (`-o`, `--debug`) as commander parsed them for this command. */
  useOptions(command: Command): this {
    const globals = command.optsWithGlobals<{ output?: OutputFormat; debug?: boolean }>();
    this.output = globals.output ?? 'text';
    this.debug = globals.debug ?? false;
    return this;
  }

  s3bridge(): Promise<S3BridgeClient> {
    this.client ??= createTemporalClient(this.settings).then(
      (temporal) => new S3BridgeClient(temporal, this.settings),
      (error: unknown) => {
        throw new TemporalUnreachable(
          `cannot reach Temporal at ${this.settings.temporalAddress} (namespace "${this.settings.temporalNamespace}"): ${(error as Error).message}; `
          + 'is the server running? Set TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE or a temporal.toml profile (TEMPORAL_PROFILE)',
        );
      },
    );
    return this.client;
  }

  async temporal(): Promise<Client> {
    return (await this.s3bridge()).temporal;
  }

  /** The command's result on stdout: JSON (for jq) or the text rendering. */
  emit<T>(value: T, text: (value: T) => string): void {
    this.stdout.write(`${this.output === 'json' ? JSON.stringify(value, null, 2) : text(value)}\n`);
  }

  /** A note for the human (workflow IDs, links, progress): stderr, so stdout stays the result alone. */
  note(line: string): void {
    this.stderr.write(`${line}\n`);
  }

  /** A live progress line: rewritten in place on a terminal, one line per change otherwise. */
  progress(line: string): void {
    if (this.stderr.isTTY) this.stderr.write(`\r\x1b[2K${line}`);
    else this.stderr.write(`${line}\n`);
  }

  endProgress(): void {
    if (this.stderr.isTTY) this.stderr.write('\n');
  }

  async close(): Promise<void> {
    const client = await this.client?.catch(() => undefined);
    await client?.temporal.connection.close();
  }
}
