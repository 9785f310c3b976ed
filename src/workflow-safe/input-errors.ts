import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { INVALID_INPUT } from './failure-types';

type Issue = z.core.$ZodIssue;

/**
 * For a union (a connection given by name or inline), report the branch the input was
 * meant for: the one whose issues do not start with a wrong type at the union's own level.
 */
function flatten(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const meant = issue.errors.find((branch) => !branch.some((i) => i.path.length === 0 && i.code === 'invalid_type'));
  if (!meant) return [issue];
  return meant.flatMap((inner) => flatten({ ...inner, path: [...issue.path, ...inner.path] }));
}

/** One line per problem, each naming the field path: `connection.bucket: ...`. */
export function formatZodIssues(error: z.ZodError, root?: string): string {
  return error.issues
    .flatMap((issue) => flatten(issue))
    .map((issue) => {
      const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
      return `${path || '(input)'}: ${issue.message}`;
    })
    .join('\n');
}

/**
 * Parses a workflow input with its zod schema. A failure becomes a non-retryable
 * ApplicationFailure: a thrown raw error would make Temporal retry the workflow task forever.
 */
export function parseWorkflowInput<S extends z.ZodType>(schema: S, raw: unknown, workflow: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw ApplicationFailure.create({
    type: INVALID_INPUT,
    nonRetryable: true,
    message: `Invalid input for ${workflow}:\n${formatZodIssues(result.error)}`,
  });
}
