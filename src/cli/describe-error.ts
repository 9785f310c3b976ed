import { WorkflowFailedError, ServiceError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';
import { RunMissing } from '../client/run-control';
import { ScheduleMissing } from '../client/schedule-control';
import { formatZodIssues } from '../workflow-safe/input-errors';
import { CliFailure, UsageError } from './command';
import { TemporalUnreachable } from './context';

/** Exit codes scripts can trust. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** The innermost cause: "Activity task failed" wraps the message that says what to fix. */
export function rootCause(error: Error): Error {
  return error.cause instanceof Error ? rootCause(error.cause) : error;
}

/**
 * What went wrong in one line, and whether it was the user's input (usage) or an outcome
 * (failure); `known` is false for an unexpected error, whose first line is all it says.
 */
export function explainError(error: unknown): { text: string; usage: boolean; known: boolean } {
  if (error instanceof UsageError) return { text: error.message, usage: true, known: true };
  if (error instanceof ZodError) return { text: `invalid input: ${formatZodIssues(error).split('\n').join('; ')}`, usage: true, known: true };
  if (error instanceof CliFailure || error instanceof TemporalUnreachable || error instanceof RunMissing || error instanceof ScheduleMissing) {
    return { text: error.message, usage: false, known: true };
  }
  if (error instanceof WorkflowFailedError) return { text: `workflow failed: ${rootCause(error).message.split('\n').join('; ')}`, usage: false, known: true };
  // A catalog miss (no such connection or table) read directly by the CLI.
  if (error instanceof ApplicationFailure) return { text: error.message, usage: false, known: true };
  if (error instanceof ServiceError) return { text: `Temporal refused the request: ${rootCause(error).message}`, usage: false, known: true };
  const message = error instanceof Error ? error.message : String(error);
  return { text: message.split('\n')[0] ?? '', usage: false, known: false };
}

/** One clear line for an error, and its exit code; only `--debug` adds the stack. */
export function describeError(error: unknown): { message: string; code: number } {
  const { text, usage, known } = explainError(error);
  return { message: `error: ${text}${known ? '' : ' (--debug shows the stack trace)'}`, code: usage ? EXIT.usage : EXIT.failure };
}
