import { ApplicationFailure } from '@temporalio/common';
import type { ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { excerpt } from '../workflow-safe/excerpt';
import { READ_LIMIT_EXCEEDED } from '../workflow-safe/failure-types';

/** Pages of one listing at most: 10 million keys at S3's 1,000 a page, more than s3bridge keeps in memory for one prefix. */
export const MAX_LIST_PAGES = 10_000;
/** Truncated pages in a row with nothing in them: S3 does not send those, a server that never ends the listing does. */
export const MAX_EMPTY_PAGES_IN_A_ROW = 1_000;

/**
 * Paginates one ListObjectsV2 listing safely: `next(page)` is the continuation token to ask for
 * next, or undefined when the listing is done. A listing that does not end (a token sent twice,
 * pages that keep coming back empty but truncated, more pages than any prefix s3bridge can hold)
 * fails non-retryably instead of following IsTruncated forever.
 */
export class ListingGuard {
  private pages = 0;
  private emptyInARow = 0;
  private readonly tokens = new Set<string>();

  /** `where` names the listing in messages (`s3://bucket/prefix`). */
  constructor(private readonly where: string) {}

  next(page: Pick<ListObjectsV2CommandOutput, 'IsTruncated' | 'NextContinuationToken' | 'Contents' | 'CommonPrefixes'>): string | undefined {
    this.pages += 1;
    const token = page.IsTruncated ? page.NextContinuationToken : undefined;
    if (!token) return undefined;
    const empty = (page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0) === 0;
    this.emptyInARow = empty ? this.emptyInARow + 1 : 0;
    if (this.tokens.has(token)) {
      throw this.stopped(`the server sent the continuation token "${excerpt(token)}" a second time (after ${this.pages} pages)`);
    }
    if (this.emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) {
      throw this.stopped(`${MAX_EMPTY_PAGES_IN_A_ROW} pages in a row came back empty but truncated`);
    }
    if (this.pages >= MAX_LIST_PAGES) {
      throw ApplicationFailure.create({
        type: READ_LIMIT_EXCEEDED, nonRetryable: true,
        message: `listing ${this.where} did not end after ${MAX_LIST_PAGES} pages: s3bridge lists at most that many under one prefix; narrow the connection's prefix`,
      });
    }
    this.tokens.add(token);
    return token;
  }

  private stopped(what: string): ApplicationFailure {
    return ApplicationFailure.create({
      type: READ_LIMIT_EXCEEDED, nonRetryable: true,
      message: `listing ${this.where} was stopped: ${what}, which S3 never does; the endpoint is not S3-compatible, or it is hostile`,
    });
  }
}
