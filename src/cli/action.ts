import type { Command } from 'commander';
import type { CliContext } from './context';
import { UsageError } from './command';

/**
 * Wraps a command's handler: commander passes the positional arguments, the options and the
 * command itself; the context picks up the global options (`-o`, `--debug`) first.
 */
export function action<A extends unknown[]>(context: CliContext, fn: (...args: A) => Promise<void>) {
  return async (...args: unknown[]): Promise<void> => {
    context.useOptions(args[args.length - 1] as Command);
    await fn(...(args as A));
  };
}

/** A whole number option, or a usage error naming the option. */
export function wholeNumber(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${option} ${value}: expected a whole number of at least 1`);
  return n;
}

/** An integer option within [min, max], or a usage error naming the option. */
export function integerIn(option: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`${option} ${value}: expected a whole number from ${min} to ${max}`);
  return n;
}
