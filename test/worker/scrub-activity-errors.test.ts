import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { scrubActivityError } from '../../src/worker/scrub-activity-errors';

describe('scrubActivityError', () => {
  it('reduces the quoted values of an unclassified error to excerpts, in its message and its stack', () => {
    const error = new Error("Conversion Error: Could not convert string '4111111111111111-cardholder-JANE' to INT64\n\nLINE 1: SELECT CAST('4111111111111111-cardholder-JANE' AS BIGINT)");
    expect(scrubActivityError(error)).toBe(error);
    expect(error.message).toBe("Conversion Error: Could not convert string '4111111111111111-car...(12 more chars)' to INT64");
    expect(error.stack).not.toContain('cardholder-JANE');
    expect(error.stack).toMatch(/^Error: Conversion Error: .*\n\s+at /);
  });

  it('leaves Temporal failures (already built from excerpts) and plain network errors alone', () => {
    const failure = ApplicationFailure.nonRetryable('column "a": cannot convert (value "x")', 'BadData');
    const network = new Error('connect ECONNREFUSED 127.0.0.1:9');
    const stack = network.stack;
    expect(scrubActivityError(failure)).toBe(failure);
    expect(failure.message).toBe('column "a": cannot convert (value "x")');
    expect(scrubActivityError(network)).toBe(network);
    expect(network.stack).toBe(stack);
  });
});
