import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { saveConnection } from '../../src/catalog/connection-store';
import { S3BRIDGE_FAILED_DAYS } from '../../src/workflow-safe/observability/search-attributes';
import { withWarehouse } from '../../src/warehouse/embedded-database';
import type { ImportReport } from '../../src/workflow-safe/import/import-input';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, putTable, renderFile } from '../support/objects';
import { days } from '../import/fixtures';
import { freePort, s3bridgeCli, startWorkerProcess, type CliRun, type WorkerProcess } from '../support/cli-process';

/**
 * The real `s3bridge` executable against the real services and the real worker process
 * (src/worker/main.ts, as `npm run worker` runs it): output, exit codes, search attributes,
 * metrics and logs.
 */
let env: TestEnv;
let worker: WorkerProcess;
let cliEnv: NodeJS.ProcessEnv;
let metricsPort: number;
let dataDir: string;
let name: string;

const NO_STACK = /^\s+at /m;
const CLICK_DAYS = 16;
const CLICK_FILES = 17;

async function cli(...args: string[]): Promise<CliRun> {
  return s3bridgeCli(args, cliEnv);
}

/** stdout of a `-o json` run, parsed. */
function json<T>(run: CliRun): T {
  return JSON.parse(run.stdout) as T;
}
type Rows<R> = { rows: R[] };

/** Polls `fn` until it returns a value (visibility and schedule listings are eventually consistent). */
async function eventually<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

beforeAll(async () => {
  env = await createTestEnv('cli');
  name = env.source().name;
  for (const [i, day] of ['2025-01-01', '2025-01-02'].entries()) {
    await putTable(env.s3, env.bucket, `events/date=${day}/part-0.parquet`, `SELECT ${i} * 1000 + r AS id, 'view' AS event FROM range(${10 + i}) t(r)`);
  }
  // Enough days, loaded one at a time, that a detached import is still running when the CLI looks at it.
  // 17 files a day: more than a small day has, so each day loads on its own and the run is still going when `status` asks.
  const click = await renderFile('SELECT r AS id FROM range(5) t(r)', 'parquet');
  for (const day of days('2025-02-01', CLICK_DAYS)) {
    await Promise.all(Array.from({ length: CLICK_FILES }, (_, i) => putObject(env.s3, env.bucket, `clicks/date=${day}/part-${i}.parquet`, click)));
  }
  // The worker process owns its own data dir (the warehouse file), as a deployed worker does.
  dataDir = mkdtempSync(path.join(os.tmpdir(), 's3bridge-cli-worker-'));
  cliEnv = { ...process.env, S3BRIDGE_DATA_DIR: dataDir, S3BRIDGE_TASK_QUEUE: env.taskQueue };
  await withWarehouse({ ...env.settings, dataDir, warehousePath: path.join(dataDir, 'warehouse.duckdb') }, (db) => saveConnection(db, env.source()));
  metricsPort = await freePort();
  worker = await startWorkerProcess({
    ...cliEnv, S3BRIDGE_METRICS_PORT: String(metricsPort), S3BRIDGE_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
  });
});

afterAll(async () => {
  await worker?.stop();
  await env?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the s3bridge executable', () => {
  it('prints help and its version with exit code 0', async () => {
    const help = await cli('import', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--error-policy <policy>');
    expect(help.stdout).toContain('-o, --output <format>');
    const version = await cli('--version');
    expect([version.code, version.stdout.trim()]).toEqual([0, '0.1.0']);
  });

  it('reports usage errors with exit code 2 and a suggestion, without a stack trace', async () => {
    const flag = await cli('import', name, 'events', '--dayz', 'all');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("error: unknown option '--dayz'");
    expect(flag.stderr).toContain('(Did you mean --days?)');
    const command = await cli('improt');
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('(Did you mean import?)');
    const choice = await cli('-o', 'yaml', 'runs');
    expect(choice.code).toBe(2);
    expect(choice.stderr).toContain("option '-o, --output <format>' argument 'yaml' is invalid");
    for (const run of [flag, command, choice]) expect(run.stderr).not.toMatch(NO_STACK);
  });

  it('validates and discovers through the worker: exit code 0, JSON on stdout for jq', async () => {
    const validated = await cli('connections', 'validate', name);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain(`connection "${name}" (source): Active`);
    const discovered = await cli('-o', 'json', 'discover', name);
    expect(discovered.code).toBe(0);
    expect(JSON.parse(discovered.stdout)).toMatchObject({ connection: name, tablesDiscovered: 2 });
    expect(discovered.stderr).toContain(`started discover-schema-${name}`);
  });

  it('imports: prints the ID and the Temporal UI link at once, then the report; exit code 0', async () => {
    const run = await cli('import', name, 'events', '--days', 'all');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`started import-${name}-events\n  http://127.0.0.1:8233/namespaces/default/workflows/import-${name}-events`);
    expect(run.stdout).toContain(`${name}/events -> raw.${name}__events: 2 loaded, 0 skipped, 0 failed; 21 rows from 2 files`);
  });

  it('exits 1 when a day failed, with the report on stdout and one line on stderr', async () => {
    await putObject(env.s3, env.bucket, 'events/date=2025-01-03/part-0.parquet', 'PAR1 not a parquet file PAR1');
    const run = await cli('-o', 'json', 'import', name, 'events', '--days', 'all');
    expect(run.code).toBe(1);
    const report = json<ImportReport>(run);
    expect(report.totals).toMatchObject({ loaded: 0, skipped: 2, failed: 1 });
    expect(report.days.find((d) => d.unit === '2025-01-03')).toMatchObject({ status: 'failed' });
    expect(run.stderr.trim().split('\n').at(-1)).toBe('error: 1 of 3 days failed: 2025-01-03');
    expect(run.stderr).not.toMatch(NO_STACK);
  });

  it('--fail-on-failed-days makes the workflow itself fail (for alerting Schedules)', async () => {
    const run = await cli('import', name, 'events', '--days', 'all', '--fail-on-failed-days');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: workflow failed: 1 of 3 days of ${name}/events failed: 2025-01-03`);
    expect(run.stderr).not.toMatch(NO_STACK);
  });

  it('finds the imports by connection and table through their search attributes', async () => {
    const query = `S3bridgeConnection = "${name}" AND S3bridgeTable = "events" AND S3bridgeKind = "import"`;
    const found = await eventually(async () => {
      const runs: { failed: number | undefined; status: string }[] = [];
      for await (const w of env.temporal.workflow.list({ query })) runs.push({ failed: w.typedSearchAttributes.get(S3BRIDGE_FAILED_DAYS), status: w.status.name });
      return runs.length >= 3 ? runs : undefined;
    }, 'three imports in visibility');
    expect(found.map((r) => r.status).sort()).toEqual(['COMPLETED', 'COMPLETED', 'FAILED']);
    expect(found.filter((r) => r.failed === 1)).toHaveLength(2);
    const runs = await cli('-o', 'json', 'runs', '--connection', name, '--table', 'events', '--kind', 'import', '--failed-days');
    expect(runs.code).toBe(0);
    expect(json<{ workflowId: string; failedDays: number }[]>(runs).map((r) => [r.workflowId, r.failedDays]))
      .toEqual([[`import-${name}-events`, 1], [`import-${name}-events`, 1]]);
  });

  it('--detach returns at once; status shows the live progress; watch follows the run to the end', async () => {
    const id = `import-${name}-clicks`;
    const detached = await cli('-o', 'json', 'import', name, 'clicks', '--days', 'all', '--concurrency', '1', '--detach');
    expect(detached.code).toBe(0);
    expect(json<{ workflowId: string; url: string }>(detached)).toMatchObject({ workflowId: id, url: `http://127.0.0.1:8233/namespaces/default/workflows/${id}` });
    const status = await cli('-o', 'json', 'status', name, 'clicks');
    expect(status.code).toBe(0);
    const running = json<{ status: string; connection: string; table: string; kind: string; progress?: { daysToLoad: number; daysDone: number } }>(status);
    expect(running).toMatchObject({ status: 'RUNNING', connection: name, table: 'clicks', kind: 'import' });
    expect(running.progress?.daysDone).toBeLessThan(CLICK_DAYS);
    const watched = await cli('watch', name, 'clicks');
    expect(watched.code).toBe(0);
    // The live line, from the importProgress query (stderr is not a terminal: one line per change).
    expect(watched.stderr).toMatch(new RegExp(`^${name}/clicks: \\d+/${CLICK_DAYS} days, \\d+ rows`, 'm'));
    expect(watched.stdout.trim()).toBe(`${id}: completed`);
    const cancel = await cli('cancel', name, 'clicks');
    expect(cancel.code).toBe(1);
    expect(cancel.stderr.trim()).toBe(`error: ${id} is not running (completed)`);
  });

  it('reads the ledger, the rejects and any SELECT through the worker; refuses anything but a SELECT', async () => {
    const status = await cli('-o', 'json', 'tables', 'status', name, 'events');
    expect(status.code).toBe(0);
    expect(json<Rows<{ unit: string; rows: string | number }>>(status).rows.map((r) => [r.unit, Number(r.rows)]))
      .toEqual([['2025-01-01', 10], ['2025-01-02', 11]]);
    const sql = await cli('-o', 'json', 'sql', `SELECT _day::VARCHAR AS day, count(*) AS n FROM raw."${name}__events" GROUP BY 1 ORDER BY 1`);
    expect(sql.code).toBe(0);
    expect(json<Rows<{ day: string; n: unknown }>>(sql).rows.map((r) => [r.day, Number(r.n)])).toEqual([['2025-01-01', 10], ['2025-01-02', 11]]);
    const text = await cli('sql', `SELECT count(*) AS n FROM raw."${name}__events"`);
    expect(text.stdout).toBe('n\n--\n21\n(1 row)\n');
    const rejects = await cli('-o', 'json', 'rejects', name, 'events');
    expect([rejects.code, JSON.parse(rejects.stdout).rows]).toEqual([0, []]);
    const write = await cli('sql', `DELETE FROM raw."${name}__events"`);
    expect(write.code).toBe(1);
    expect(write.stderr).toContain('only one SELECT statement is allowed');
    const file = await cli('sql', "SELECT * FROM read_text('/etc/hostname')");
    expect(file.code).toBe(1);
    expect(file.stderr).toContain('the table function read_text() is not allowed');
    for (const run of [write, file]) expect(run.stderr).not.toMatch(NO_STACK);
  });

  it('reports a missing table or connection in one line with exit code 1', async () => {
    const table = await cli('import', name, 'nosuch', '--days', 'all');
    expect(table.code).toBe(1);
    expect(table.stderr).toContain('error: workflow failed: table "nosuch" has not been discovered');
    const connection = await cli('import', 'nosuch-connection', 'events');
    expect(connection.code).toBe(1);
    expect(connection.stderr).toMatch(/error: workflow failed: .*nosuch-connection/);
    for (const run of [table, connection]) {
      expect(run.stderr).not.toMatch(NO_STACK);
      expect(run.stderr.trim().split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    }
    const debug = await cli('--debug', 'schedules', 'describe', 'no-such-schedule');
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(NO_STACK);
  });

  it('resets a table through the worker: the next import loads every day again', async () => {
    const unconfirmed = await cli('tables', 'reset', name, 'events');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr.trim()).toBe(`error: tables reset deletes every imported row of ${name}/events; pass --yes to confirm`);
    const reset = await cli('-o', 'json', 'tables', 'reset', name, 'events', '--yes');
    expect(reset.code).toBe(0);
    expect(json(reset)).toEqual({ connection: name, table: 'events', ledgerEntries: 2, rowsDeleted: 21, rejectsDeleted: 0, targets: [`raw.${name}__events`] });
    expect(json<Rows<unknown>>(await cli('-o', 'json', 'tables', 'status', name, 'events')).rows).toEqual([]);
    const again = await cli('-o', 'json', 'import', name, 'events', '--days', '2025-01-01..2025-01-02');
    expect([again.code, json<ImportReport>(again).totals]).toEqual([0, expect.objectContaining({ loaded: 2, rows: 21 })]);
  });

  it('says so when no worker polls the task queue, instead of waiting forever', async () => {
    const queue = `nobody-${env.id}`;
    const run = await s3bridgeCli(['import', name, 'events', '--days', 'all'], { ...cliEnv, S3BRIDGE_TASK_QUEUE: queue });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: no worker polls task queue "${queue}"`);
    // The run stays queued; cancel reaches it by ID whatever its task queue.
    const cancel = await cli('cancel', `import-${name}-events`);
    expect([cancel.code, cancel.stdout.trim()]).toEqual([0, `cancellation requested for import-${name}-events`]);
    await env.temporal.workflow.getHandle(`import-${name}-events`).terminate('test: nobody polls this queue');
  });

  it('says so when Temporal cannot be reached', async () => {
    const run = await s3bridgeCli(['runs'], { ...cliEnv, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^error: cannot reach Temporal at 127\.0\.0\.1:1 \(namespace "default"\)/);
  });
});

describe('schedules through the CLI', () => {
  const id = () => `import-${name}-events`;

  it('creates, pauses, updates in place, triggers, unpauses and deletes an import schedule', async () => {
    const created = await cli('schedule', name, 'events', '--hour', '3', '--timezone', 'Europe/Paris');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Temporal Schedule ${id()}`);
    const listed = await eventually(async () => {
      const run = await cli('-o', 'json', 'schedules', 'list', '--prefix', id());
      const list = JSON.parse(run.stdout) as { scheduleId: string }[];
      return list.length > 0 ? list : undefined;
    }, 'the schedule in the listing');
    expect(listed).toMatchObject([{ scheduleId: id(), kind: 'import', paused: false, spec: 'daily 03:00 Europe/Paris' }]);

    expect((await cli('schedules', 'pause', id(), '--note', 'maintenance')).code).toBe(0);
    // Changing the schedule updates it in place: the pause and its note survive.
    expect((await cli('schedule', name, 'events', '--hour', '4', '--timezone', 'Europe/Paris')).code).toBe(0);
    const described = JSON.parse((await cli('-o', 'json', 'schedules', 'describe', id())).stdout);
    expect(described).toMatchObject({ scheduleId: id(), paused: true, note: 'maintenance', spec: 'daily 04:00 Europe/Paris' });

    expect((await cli('schedules', 'trigger', id())).code).toBe(0);
    const triggered = await eventually(async () => {
      const d = JSON.parse((await cli('-o', 'json', 'schedules', 'describe', id())).stdout) as { recentRuns: { workflowId?: string }[] };
      return d.recentRuns.length > 0 ? d.recentRuns : undefined;
    }, 'the triggered run');
    expect(triggered[0]!.workflowId).toMatch(new RegExp(`^${id()}-`));

    expect((await cli('schedules', 'unpause', id())).code).toBe(0);
    expect(JSON.parse((await cli('-o', 'json', 'schedules', 'describe', id())).stdout)).toMatchObject({ paused: false });
    expect((await cli('schedules', 'delete', id())).code).toBe(0);
    const gone = await cli('schedules', 'describe', id());
    expect(gone.code).toBe(1);
    expect(gone.stderr.trim()).toBe(`error: no schedule "${id()}"; \`s3bridge schedules list\` shows them`);
  });
});

describe('the worker process', () => {
  afterAll(async () => {
    // Last: removing the connection goes through the worker too, and deletes its Schedules.
    const removed = await cli('-o', 'json', 'connections', 'remove', name, '--force');
    expect([removed.code, json(removed)]).toEqual([0, { connection: name, removed: true, tablesForgotten: 2, schedulesDeleted: [] }]);
    const again = await cli('connections', 'remove', name, '--force');
    expect([again.code, again.stderr.trim()]).toEqual([1, `error: no connection named "${name}"; \`s3bridge connections list\` shows them`]);
  });

  it('serves Prometheus metrics with rows loaded per connection and table', async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('s3bridge_rows_loaded') && l.includes(`connection="${name}"`) && l.includes('table="events"'));
    expect(line).toBeDefined();
    expect(Number(line!.split(' ').at(-1))).toBeGreaterThanOrEqual(21);
    expect(text).toMatch(/^temporal_/m);
  });

  it('logs one JSON line per day loaded or failed', () => {
    const lines = worker.logs().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const loaded = lines.filter((l) => l.message === 'day loaded' && l.connection === name);
    expect(loaded.map((l) => l.unit).sort()).toEqual(expect.arrayContaining(['2025-01-01', '2025-01-02']));
    expect(loaded[0]).toMatchObject({ level: 'info', table: 'events', rows: expect.any(Number) });
    expect(lines.some((l) => l.message === 'day failed' && l.unit === '2025-01-03' && l.level === 'warn')).toBe(true);
  });
});
