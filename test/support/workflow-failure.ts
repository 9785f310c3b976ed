import { expect } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

/** The innermost failure of a failed workflow run: the workflow's or its activity's own ApplicationFailure. */
export async function innermostFailure(run: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await run.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WorkflowFailedError);
  let cause: unknown = (error as WorkflowFailedError).cause;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}
