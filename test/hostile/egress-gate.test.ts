import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putTable } from '../support/objects';
import { startDnsStandIn, type DnsStandIn } from '../support/dns-stand-in';
import { fromDuckDB, startS3Front, type S3Front } from '../support/s3-front';
import { queryRows } from '../../src/duckdb/query-rows';
import { withS3DuckDB } from '../../src/duckdb/s3-session';
import type { SourceConnection } from '../../src/workflow-safe/connection';
import type { CheckRow, ValidationReport } from '../../src/workflow-safe/validation/validation-report';
import { ENDPOINT_REFUSED } from '../../src/workflow-safe/failure-types';

/**
 * Every request DuckDB and the AWS SDK make passes the worker's egress gate at the address it
 * actually connects to: a redirect from an endpoint that passed the checks, a DNS answer that
 * changes after them, and a virtual-hosted bucket name meet the same policy.
 */
let env: TestEnv;
let front: S3Front;
let dns: DnsStandIn;
let metadata: http.Server;
let metadataUrl: string;
const metadataRequests: string[] = [];
const answers = new Map<string, (nth: number) => string | undefined>();
const minio = () => ({ accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! });
const METADATA_WHY = 'a link-local or metadata address, where a request can read the worker\'s own cloud credentials';

beforeAll(async () => {
  front = await startS3Front();
  // A stand-in for instance metadata, on another loopback address the worker was not told it may reach.
  metadata = http.createServer((req, res) => {
    metadataRequests.push(`${req.method} ${req.url} ${String(req.headers.authorization ?? '')}`);
    res.writeHead(200, { 'content-type': 'text/csv' }).end('AccessKeyId,SecretAccessKey\nASIASTOLENBYREDIRECT,stolen-secret\n');
  });
  await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.2', resolve));
  metadataUrl = `http://127.0.0.2:${(metadata.address() as AddressInfo).port}`;
  dns = await startDnsStandIn((name, nth) => answers.get(name)?.(nth));
  env = await createTestEnv('hostile-egress', { localS3Endpoints: [front.endpoint] });
  env.settings.dnsServers = [dns.server];
  // Names the stand-in DNS serves are not the local MinIO's origin: their connections use these.
  process.env.S3BRIDGE_SECRET_EGRESS_KEY = process.env.MINIO_ROOT_USER;
  process.env.S3BRIDGE_SECRET_EGRESS_SECRET = process.env.MINIO_ROOT_PASSWORD;
  for (const key of ['events/date=2025-07-01/part-0.parquet', 'events/date=2025-07-02/part-0.parquet']) {
    await putTable(env.s3, env.bucket, key, 'SELECT r AS id FROM range(3) t(r)');
  }
  await env.startWorker();
});
afterAll(async () => {
  await env?.close();
  await front?.close();
  await dns?.close();
  metadata?.close();
});

let n = 0;
function connection(overrides: Partial<SourceConnection>): SourceConnection {
  n += 1;
  return env.source({ name: `${env.id}-${n}`, ...overrides });
}
const byName = (endpoint: string, overrides: Partial<SourceConnection> = {}) => connection({
  endpoint, auth: { type: 'static-keys', accessKeyId: 'env:S3BRIDGE_SECRET_EGRESS_KEY', secretAccessKey: 'env:S3BRIDGE_SECRET_EGRESS_SECRET' }, ...overrides,
});
const row = (report: ValidationReport, check: string) => report.checks.find((c) => c.check === check) as CheckRow;
const refusal = (host: string, port: number, why: string) =>
  `s3bridge refused to connect to ${host}:${port}: ${why}; if this really is your S3 endpoint, add "${host}:${port}" to S3BRIDGE_ENDPOINT_ALLOW on the worker`;

describe('DuckDB follows no redirect off the allowed addresses', () => {
  it('a sample read answered with a 302 to a metadata stand-in is refused with the gate\'s reason; the stand-in hears nothing', async () => {
    const port = Number(new URL(metadataUrl).port);
    front.answer = (req, res) => {
      if (!fromDuckDB(req)) return false;
      res.writeHead(302, { location: `${metadataUrl}/latest/meta-data/iam/security-credentials/role.csv` }).end();
      return true;
    };
    try {
      const report = await env.s3bridge.validateConnection({ connection: connection({ endpoint: front.endpoint }) });
      expect(report.status).toBe('failed');
      expect(row(report, 'sample-read')).toMatchObject({ status: 'failed', detail: refusal('127.0.0.2', port, '127.0.0.2 is a loopback address, the worker\'s own machine') });
      expect(metadataRequests).toEqual([]);
    } finally {
      front.answer = () => false;
    }
  });

  it('a redirect to 169.254.169.254 is refused before anything connects there', async () => {
    front.answer = (req, res) => {
      if (!fromDuckDB(req)) return false;
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }).end();
      return true;
    };
    try {
      const read = withS3DuckDB(env.settings, env.source({ endpoint: front.endpoint }), minio(),
        (db) => queryRows(db, 'SELECT * FROM read_csv($u)', { u: `s3://${env.bucket}/events/creds.csv` }));
      await expect(read).rejects.toMatchObject({ type: ENDPOINT_REFUSED, nonRetryable: true, message: refusal('169.254.169.254', 80, `169.254.169.254 is ${METADATA_WHY}`) });
    } finally {
      front.answer = () => false;
    }
  }, 120_000);
});

describe('a DNS answer that changes after the endpoint check is caught where the request connects', () => {
  it('the AWS SDK: the endpoint resolved to the local MinIO when checked, to a metadata address when the credentials check connected', async () => {
    const name = `rebind-${env.id}.s3bridge.test`;
    answers.set(name, (nth) => (nth <= 0 ? '127.0.0.1' : '169.254.169.254'));
    const report = await env.s3bridge.validateConnection({ connection: byName(`http://${name}:9000`) });
    expect(row(report, 'credentials')).toMatchObject({ status: 'failed', detail: refusal(name, 9000, `${name} resolves to 169.254.169.254, ${METADATA_WHY}`) });
    expect(dns.queries.get(name)).toBeGreaterThanOrEqual(2);
  });

  it('DuckDB: each request resolves again through the gate, so the next read after the answer changes is refused', async () => {
    const name = `flip-${env.id}.s3bridge.test`;
    let flipped = false;
    answers.set(name, () => (flipped ? '169.254.169.254' : '127.0.0.1'));
    const url = (day: string) => `s3://${env.bucket}/events/date=${day}/part-0.parquet`;
    const reads = withS3DuckDB(env.settings, env.source({ endpoint: `http://${name}:9000` }), minio(), async (db) => {
      expect(await queryRows(db, 'SELECT count(*)::INTEGER AS n FROM read_parquet($u)', { u: url('2025-07-01') })).toEqual([{ n: 3 }]);
      flipped = true;
      return queryRows(db, 'SELECT count(*)::INTEGER AS n FROM read_parquet($u)', { u: url('2025-07-02') });
    });
    await expect(reads).rejects.toMatchObject({ type: ENDPOINT_REFUSED, message: refusal(name, 9000, `${name} resolves to 169.254.169.254, ${METADATA_WHY}`) });
  });
});

describe('both clients address a bucket the same way, and the gate sees the host they connect to', () => {
  it('virtual-hosted (forcePathStyle: false): <bucket>.<endpoint host> is checked, not just the endpoint', async () => {
    const host = `vhost-${env.id}.s3bridge.test`;
    answers.set(host, () => '127.0.0.1');
    answers.set(`${env.bucket}.${host}`, () => '169.254.169.254');
    const report = await env.s3bridge.validateConnection({ connection: byName(`http://${host}:9000`, { forcePathStyle: false }) });
    const bucketHost = `${env.bucket}.${host}`;
    expect(row(report, 'credentials')).toMatchObject({ status: 'failed', detail: refusal(bucketHost, 9000, `${bucketHost} resolves to 169.254.169.254, ${METADATA_WHY}`) });
  });

  it('forcePathStyle: false with an IP endpoint: both clients fall back to path style, and the connection validates', async () => {
    const report = await env.s3bridge.validateConnection({ connection: connection({ forcePathStyle: false }) });
    expect(report.checks.map((c) => `${c.check}:${c.status}`)).toEqual(['credentials:ok', 'bucket:ok', 'list-prefix:ok', 'source-layout:ok', 'sample-read:ok']);
  });
});
