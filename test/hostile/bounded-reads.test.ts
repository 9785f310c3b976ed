import type http from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { fromDuckDB, startS3Front, type S3Front } from '../support/s3-front';
import { innermostFailure } from '../support/workflow-failure';
import { queryRows } from '../../src/duckdb/query-rows';
import { withS3DuckDB } from '../../src/duckdb/s3-session';
import { MAX_EMPTY_PAGES_IN_A_ROW } from '../../src/s3/listing-guard';
import { READ_LIMIT_EXCEEDED } from '../../src/workflow-safe/failure-types';

/**
 * A hostile endpoint cannot exhaust the worker's memory: a sample or probe reads at most its cap
 * whatever the server sends (a server that ignores Range), and a listing that never ends is stopped.
 */
let env: TestEnv;
let front: S3Front;
const GIB = 1024 ** 3;
let sent = 0;

beforeAll(async () => {
  front = await startS3Front();
  env = await createTestEnv('hostile-bounded', { localS3Endpoints: [front.endpoint] });
  await putTable(env.s3, env.bucket, 'events/date=2025-08-01/part-0.parquet', 'SELECT r AS id FROM range(3) t(r)');
  await env.startWorker();
});
afterAll(async () => {
  await env?.close();
  await front?.close();
});

/** Answers with a 1 GiB body whatever Range asked for, counting what it managed to send before the client hung up. */
function wholeGigabyte(res: http.ServerResponse, contentType = 'application/octet-stream'): void {
  res.writeHead(200, { 'content-type': contentType, 'content-length': String(GIB), etag: '"hostile"', 'last-modified': new Date(0).toUTCString() });
  const chunk = Buffer.alloc(64 * 1024, 'a,b\n');
  let left = GIB;
  const body = new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      left -= chunk.length;
      sent += chunk.length;
      this.push(chunk);
    },
  });
  body.pipe(res);
  res.on('close', () => body.destroy());
}
const objectGet = (req: http.IncomingMessage) => req.method === 'GET' && !String(req.url).includes('list-type') && String(req.url).includes('/events/');
const through = () => env.source({ name: `${env.id}-front`, endpoint: front.endpoint });

describe('a server that ignores Range', () => {
  /** Runs `fn` while the AWS SDK's object GETs get the whole gigabyte; returns what the server managed to send. */
  async function sdkGetsAGigabyte(fn: () => Promise<void>): Promise<number> {
    sent = 0;
    front.answer = (req, res) => {
      if (fromDuckDB(req) || !objectGet(req)) return false;
      wholeGigabyte(res);
      return true;
    };
    try {
      await fn();
      return sent;
    } finally {
      front.answer = () => false;
    }
  }

  it('validation\'s GetObject probe reads one byte of its 1 GiB answer and stops', async () => {
    expect(await sdkGetsAGigabyte(async () => {
      const report = await env.s3bridge.validateConnection({ connection: through() });
      expect(report.checks.find((c) => c.check === 'sample-read')?.status).toBe('ok');
    })).toBeLessThan(16 * 1024 * 1024);
  });

  it('discovery\'s sniff reads at most its 16 KiB of it', async () => {
    expect(await sdkGetsAGigabyte(async () => {
      const report = await env.s3bridge.discoverSchema({ connection: through() });
      // It read the head of the answer (text, not Parquet) and reported the table, without the rest.
      expect(report.skipped).toEqual([{ name: 'events', reason: 'unreadable: none of the 1 sampled files could be read (date=2025-08-01/part-0.parquet: not a parquet file: its first bytes are plain text)' }]);
    })).toBeLessThan(16 * 1024 * 1024);
  });

  it('a sample\'s DuckDB is cut off at its read budget, with the reason', async () => {
    sent = 0;
    front.answer = (req, res) => {
      if (!fromDuckDB(req) || !String(req.url).includes('/events/')) return false;
      if (req.method === 'HEAD') {
        res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(GIB), etag: '"hostile"', 'last-modified': new Date(0).toUTCString() }).end();
      } else {
        wholeGigabyte(res, 'text/csv');
      }
      return true;
    };
    try {
      const read = withS3DuckDB(env.settings, through(), { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! },
        (db) => queryRows(db, 'SELECT count(*) FROM read_csv($u)', { u: `s3://${env.bucket}/events/huge.csv` }), { readBudgetBytes: 8 * 1024 * 1024 });
      await expect(read).rejects.toMatchObject({
        type: READ_LIMIT_EXCEEDED, nonRetryable: true,
        message: 'read more than 8388608 bytes from 127.0.0.1 for a sample: the server sent more than was asked for (does it ignore Range?), so the read was stopped',
      });
      expect(sent).toBeLessThan(128 * 1024 * 1024);
    } finally {
      front.answer = () => false;
    }
  }, 120_000);
});

/** A ListObjectsV2 page with nothing in it that says there is more. */
function endlessPage(res: http.ServerResponse, token: string): void {
  res.writeHead(200, { 'content-type': 'application/xml' }).end('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    + `<Name>${env.bucket}</Name><Prefix></Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><EncodingType>url</EncodingType>`
    + `<IsTruncated>true</IsTruncated><NextContinuationToken>${token}</NextContinuationToken></ListBucketResult>`);
}
const listing = (req: http.IncomingMessage) => req.method === 'GET' && String(req.url).includes('list-type=2');

describe('a listing that never ends', () => {
  it('is stopped at a continuation token sent twice', async () => {
    front.answer = (req, res) => {
      if (!listing(req)) return false;
      endlessPage(res, 'same-token-again');
      return true;
    };
    try {
      const failure = await innermostFailure(env.temporal.workflow.execute('discoverSchema', {
        taskQueue: env.taskQueue, workflowId: `${env.workflowIdPrefix}endless-token`, args: [{ connection: through() }],
      }));
      expect([failure.type, failure.nonRetryable, failure.message]).toEqual([READ_LIMIT_EXCEEDED, true,
        `listing s3://${env.bucket}/ was stopped: the server sent the continuation token "same-token-again" a second time (after 2 pages), which S3 never does; the endpoint is not S3-compatible, or it is hostile`]);
    } finally {
      front.answer = () => false;
    }
  });

  it(`is stopped after ${MAX_EMPTY_PAGES_IN_A_ROW} empty "truncated" pages in a row, each with a new token`, async () => {
    let pages = 0;
    front.answer = (req, res) => {
      if (!listing(req)) return false;
      pages += 1;
      endlessPage(res, `token-${pages}`);
      return true;
    };
    try {
      const failure = await innermostFailure(env.temporal.workflow.execute('discoverSchema', {
        taskQueue: env.taskQueue, workflowId: `${env.workflowIdPrefix}endless-pages`, args: [{ connection: through() }],
      }));
      expect([failure.type, failure.message]).toEqual([READ_LIMIT_EXCEEDED,
        `listing s3://${env.bucket}/ was stopped: ${MAX_EMPTY_PAGES_IN_A_ROW} pages in a row came back empty but truncated, which S3 never does; the endpoint is not S3-compatible, or it is hostile`]);
      expect(pages).toBe(MAX_EMPTY_PAGES_IN_A_ROW);
    } finally {
      front.answer = () => false;
    }
  }, 120_000);
});
