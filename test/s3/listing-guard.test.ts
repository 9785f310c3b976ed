import { describe, expect, it } from 'vitest';
import { ListingGuard, MAX_LIST_PAGES } from '../../src/s3/listing-guard';

const page = (token: string | undefined, keys = 1000) => ({
  IsTruncated: token !== undefined, NextContinuationToken: token, Contents: Array.from({ length: keys }, (_, i) => ({ Key: `k${i}` })),
});

describe('ListingGuard (pure: the pages a listing may take)', () => {
  it('follows tokens to the end of an ordinary listing', () => {
    const guard = new ListingGuard('s3://b/p/');
    expect([guard.next(page('a')), guard.next(page('b', 3)), guard.next(page(undefined, 7))]).toEqual(['a', 'b', undefined]);
  });

  it(`stops a listing of full pages that goes past ${MAX_LIST_PAGES} pages, saying what to narrow`, () => {
    const guard = new ListingGuard('s3://b/p/');
    for (let i = 1; i < MAX_LIST_PAGES; i += 1) guard.next(page(`t${i}`));
    expect(() => guard.next(page('last'))).toThrow(`listing s3://b/p/ did not end after ${MAX_LIST_PAGES} pages: s3bridge lists at most that many under one prefix; narrow the connection's prefix`);
  });

  it('stops at a token that comes back, even pages apart; a long token is cut to an excerpt', () => {
    const guard = new ListingGuard('s3://b/');
    guard.next(page('x'.repeat(40)));
    guard.next(page('y'));
    expect(() => guard.next(page('x'.repeat(40)))).toThrow('the server sent the continuation token "xxxxxxxxxxxxxxxxxxxx...(20 more chars)" a second time (after 3 pages)');
  });
});
