import { activityAttempts } from '../support/pending-activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, renderFile } from '../support/objects';
import { lineageTable, warehouse } from '../import/fixtures';
import { writeReportRows, type ReportRow } from '../support/reliability-report';
import { dayWorkflowId } from '../../src/workflow-safe/workflow-ids';

/**
 * A day bigger than DuckDB's memory limit: with a tiny limit and a spill folder capped small, a
 * clear, non-retried failure of that day while the other days and the worker carry on; with a
 * limit still below the file's size and room to spill, success on the same worker.
 */
let env: TestEnv;
const rows: ReportRow[] = [];
const BIG_ROWS = 1_500_000;
const MEMORY_LIMIT = '16MB';
const SPILL_CAP = '1MB';
// Below the day's decoded size (1.5M rows of 8 + 32 bytes, about 60 MB, plus DuckDB's own buffers): it must stream and spill.
const SPILL_MEMORY_LIMIT = '128MB';
let bigFileBytes = 0;

beforeAll(async () => {
  env = await createTestEnv('disk-memory');
  env.settings.duckdbMemoryLimit = MEMORY_LIMIT;
  env.settings.duckdbMaxTempSize = SPILL_CAP;
  env.settings.duckdbThreads = 2;
  const small = await renderFile('SELECT r AS n, md5(r::VARCHAR) AS h FROM range(10) t(r)', 'parquet');
  // md5 text does not compress: about 52 MB of Parquet.
  const big = await renderFile(`SELECT r AS n, md5(r::VARCHAR) AS h FROM range(${BIG_ROWS}) t(r)`, 'parquet');
  bigFileBytes = big.length;
  await putObject(env.s3, env.bucket, 'wide/date=2025-08-01/part-0.parquet', small);
  await putObject(env.s3, env.bucket, 'wide/date=2025-08-02/part-0.parquet', big);
  await putObject(env.s3, env.bucket, 'wide/date=2025-08-03/part-0.parquet', small);
  await env.startWorker();
  expect((await env.s3bridge.validateConnection({ connection: env.source() })).status).toBe('active');
  await env.s3bridge.discoverSchema({ connection: env.source() });
});
afterAll(async () => {
  await env?.close();
  writeReportRows(__filename, rows);
});

const counts = () => warehouse<{ day: string; n: number; loads: number }>(env,
  `SELECT _day::VARCHAR AS day, count(*) AS n, count(DISTINCT _load_id) AS loads FROM ${lineageTable(env, 'wide')} GROUP BY 1 ORDER BY 1`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

describe(`a ${BIG_ROWS.toLocaleString('en')}-row day (about 52 MB of Parquet) on small DuckDB memory limits`, () => {
  it(`memory_limit ${MEMORY_LIMIT}, spill folder capped at ${SPILL_CAP}: that day fails at once naming the limits and the fix, the other days load, the worker stays up`, async () => {
    const started = Date.now();
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'wide', days: 'all', concurrency: 1 });
    const found = await counts();
    const failed = report.days.find((d) => d.status === 'failed');
    rows.push({
      fault: `memory and spill exhausted: memory_limit ${MEMORY_LIMIT}, spill folder capped at ${SPILL_CAP} (max_temp_directory_size)`,
      where: `importTable, day 2025-08-02: one ${mb(bigFileBytes)} Parquet file of ${BIG_ROWS.toLocaleString('en')} rows`,
      outcome: `${report.days.map((d) => `${d.day} ${d.status}`).join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s; failure: ${failed?.reason?.slice(0, 160) ?? 'none'}...`,
      rowsExpected: '20 (the two small days)', rowsFound: found.reduce((n, d) => n + d.n, 0),
    });
    expect(report.days.map((d) => [d.day, d.status])).toEqual([['2025-08-01', 'loaded'], ['2025-08-02', 'failed'], ['2025-08-03', 'loaded']]);
    expect(failed!.reason).toMatch(/^reading s3:\/\/.+\/wide\/date=2025-08-02\/part-0\.parquet: DuckDB ran out of memory and spill space \(.+\); raise S3BRIDGE_DUCKDB_MEMORY_LIMIT or S3BRIDGE_DUCKDB_MAX_TEMP_SIZE/);
    expect(found).toEqual([{ day: '2025-08-01', n: 10, loads: 1 }, { day: '2025-08-03', n: 10, loads: 1 }]);
    // Failed at once (non-retryable), not after ten attempts.
    const day = env.temporal.workflow.getHandle(dayWorkflowId(env.source().name, 'wide', '2025-08-02', env.workflowIdPrefix));
    const attempts = await activityAttempts(day, 'loadDayPartition');
    expect(attempts).toEqual([1]);
  });

  it(`memory_limit ${SPILL_MEMORY_LIMIT}, room to spill: the same day loads on the same worker`, async () => {
    env.settings.duckdbMaxTempSize = undefined;
    env.settings.duckdbMemoryLimit = SPILL_MEMORY_LIMIT;
    const started = Date.now();
    const report = await env.s3bridge.importTable({ connection: env.source(), table: 'wide' });
    const found = await counts();
    rows.push({
      fault: `a day near DuckDB's memory_limit ${SPILL_MEMORY_LIMIT} (about 60 MB decoded), spill folder unbounded`,
      where: `importTable (new and changed), day 2025-08-02: ${mb(bigFileBytes)} Parquet, ${BIG_ROWS.toLocaleString('en')} rows`,
      outcome: `${report.days.map((d) => `${d.day} ${d.status}`).join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s, same worker process`,
      rowsExpected: BIG_ROWS + 20, rowsFound: found.reduce((n, d) => n + d.n, 0),
    });
    expect(report.days.map((d) => [d.day, d.status, d.rows])).toEqual([['2025-08-02', 'loaded', BIG_ROWS]]);
    expect(found).toEqual([{ day: '2025-08-01', n: 10, loads: 1 }, { day: '2025-08-02', n: BIG_ROWS, loads: 1 }, { day: '2025-08-03', n: 10, loads: 1 }]);
  }, 300_000); // spilling 1.5M rows on two busy cores took 13 to 60 s
});
