import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { historyText } from '../support/history-text';
import { putObject } from '../support/objects';
import { discover, warehouse } from '../import/fixtures';
import type { ImportReport } from '../../src/workflow-safe/import/import-input';

/**
 * Customer values stay out of workflow history: a failed day names the key, the row or line, the
 * column and the reason, with at most a short excerpt of the value.
 */
let env: TestEnv;
const CARD = '4111111111111111-cardholder-JANE-Q-PUBLIC-exp-12/29';
const EMAIL = 'jane.q.public@customer.example';
const HEADERLESS = 'private note about Jane Q. Public: do not share outside the support team - case 8812-77';

beforeAll(async () => {
  env = await createTestEnv('excerpts');
  await putObject(env.s3, env.bucket, 'payments/date=2025-07-01/part-0.csv', 'id,amount,email\n1,10,a@x.test\n');
  await putObject(env.s3, env.bucket, 'signups/date=2025-07-01/part-0.ndjson', '{"id":1,"age":30,"email":"b@x.test"}\n');
  await putObject(env.s3, env.bucket, 'notes/date=2025-07-01/part-0.csv', 'id,note\n1,hello\n');
  await env.startWorker();
  await discover(env);
  // Bad data arrives after discovery, as it does in production.
  await putObject(env.s3, env.bucket, 'payments/date=2025-07-02/part-0.csv', `id,amount,email\n2,20,c@x.test\n3,${CARD},${EMAIL}\n`);
  await putObject(env.s3, env.bucket, 'signups/date=2025-07-02/part-0.ndjson', `{"id":2,"age":"${CARD}","email":"${EMAIL}"}\n`);
  // A CSV written without its header line: its first row reads as column names.
  await putObject(env.s3, env.bucket, 'notes/date=2025-07-02/part-0.csv', `2,${HEADERLESS}\n3,other\n`);
});
afterAll(async () => env?.close());

/** The import's and its days' histories, payloads decoded. */
async function histories(table: string, report: ImportReport): Promise<string> {
  const parent = env.s3bridge.importWorkflowId(env.source().name, table);
  return historyText(env.temporal, [parent, ...report.days.map((d) => `${parent}-${d.unit}`)]);
}

const failedDay = (report: ImportReport) => report.days.find((d) => d.status === 'failed')!;
const fix = 'fix the file, or import with errorPolicy "skip-to-rejects" to load the good rows and keep the bad ones in s3bridge.rejects';

describe('failure messages carry an excerpt, never the value', () => {
  it('a CSV conversion error (DuckDB quotes the value) names key, line, column and an excerpt', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'payments', days: { from: '2025-07-02', to: '2025-07-02' } });
    expect(failedDay(report).reason).toBe(
      `s3://${env.bucket}/payments/date=2025-07-02/part-0.csv line 3, column "amount": ` +
      `Error when converting column "amount". Could not convert string "4111111111111111-car...(31 more chars)" to 'BIGINT'; ${fix}`,
    );
    const history = await histories('payments', report);
    expect(history).toContain('4111111111111111-car');
    expect(history).not.toContain(CARD);
    expect(history).not.toContain(EMAIL);
  });

  it('a bad NDJSON value names key, column and an excerpt of that value only (not the row\'s others)', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'signups', days: { from: '2025-07-02', to: '2025-07-02' } });
    expect(failedDay(report).reason).toBe(
      `s3://${env.bucket}/signups/date=2025-07-02/part-0.ndjson line 1, column "age": cannot convert to BIGINT (value "4111111111111111-car...(31 more chars)"); ${fix}`,
    );
    const history = await histories('signups', report);
    expect(history).not.toContain(CARD);
    expect(history).not.toContain(EMAIL);
  });

  it('a drift message quotes column names read from data (a headerless CSV) as excerpts', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'notes', days: { from: '2025-07-02', to: '2025-07-02' } });
    expect(failedDay(report).reason).toBe(
      'table "notes" day 2025-07-02: schema drift: new column "2" VARCHAR; new column "private note about Jane Q. Public: do not share outside the supp...(23 more chars)" VARCHAR ' +
      '(in notes/date=2025-07-02/part-0.csv); re-run with driftPolicy "evolve" to follow it, or "wait" to hold it for approval',
    );
    expect(await histories('notes', report)).not.toContain(HEADERLESS);
  });

  it('skip-to-rejects keeps the whole value in the warehouse\'s rejects, where it belongs', async () => {
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'signups', errorPolicy: 'skip-to-rejects', days: { from: '2025-07-02', to: '2025-07-02' } });
    expect(report.days).toMatchObject([{ status: 'loaded', rows: 0, rejectedRows: 1 }]);
    expect(await warehouse(env, "SELECT column_name, reason, raw FROM s3bridge.rejects WHERE table_name = 'signups'"))
      .toEqual([{ column_name: 'age', reason: 'cannot convert to BIGINT', raw: `{"id":2,"age":"${CARD}","email":"${EMAIL}"}` }]);
    expect(await histories('signups', report)).not.toContain(CARD);
  });
});
