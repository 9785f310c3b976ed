import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveConnection } from '../../src/catalog/connection-store';
import { destinationState } from '../../src/catalog/destination-store';
import { startConsole, type RunningConsole } from '../../src/console/start-console';
import { consoleSettings } from '../../src/console/console-settings';
import { S3BRIDGE_FAILED_DAYS } from '../../src/workflow-safe/observability/search-attributes';
import type { DayReport } from '../../src/workflow-safe/import/import-input';
import { createTestEnv, type TestEnv } from '../support/harness';
import { putObject, putTable } from '../support/objects';
import { launchBrowser, reloadUntil, type TestBrowser } from '../support/browser';
import { rawTable, warehouse } from '../import/fixtures';
import { activeDestination, destination, hourOfEvents, seedEvents } from '../export/fixtures';

/**
 * The console driven in a real browser (Debian's Chromium through playwright-core) against the
 * real services and a worker: every action is checked against the warehouse and Temporal.
 * `S3BRIDGE_SCREENSHOTS=1` writes the screenshots of the README and docs/console.md to docs/images/.
 */
let env: TestEnv;
let running: RunningConsole;
let browser: TestBrowser;
let page: Page;
let name: string;
const pages: string[] = [];

const SCREENSHOTS = process.env.S3BRIDGE_SCREENSHOTS === '1' ? path.resolve(__dirname, '../../docs/images') : undefined;

async function shot(file: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, file), fullPage: false });
}

async function open(pathname: string): Promise<void> {
  await page.goto(`${running.url}${pathname}`);
}


/** Every page the test saw, to check that none shows a secret. */
async function keep(): Promise<void> {
  pages.push(await page.content());
}

/** A GET with another Host header (fetch will not send one). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject).end();
  });
}

const cell = (day: string) => page.locator(`td[data-day="${day}"]`);

beforeAll(async () => {
  env = await createTestEnv('console');
  name = env.source().name;
  for (const [i, day] of ['2025-03-01', '2025-03-02', '2025-03-03'].entries()) {
    await putTable(env.s3, env.bucket, `events/date=${day}/part-0.parquet`, `SELECT ${i} * 100 + r AS id, 'view' AS event FROM range(${4 + i}) t(r)`);
  }
  await putObject(env.s3, env.bucket, 'events/date=2025-03-04/part-0.parquet', 'PAR1 not a parquet file PAR1');
  await putTable(env.s3, env.bucket, 'drifty/date=2025-04-01/part-0.parquet', "SELECT r AS id, 'n' || r AS name FROM range(3) t(r)");
  await env.startWorker();
  running = await startConsole({ client: env.s3bridge, settings: env.settings, console: consoleSettings({}, { port: 0 }), catalog: (fn) => env.deps.catalog.session(fn) });
  browser = await launchBrowser();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await running?.close();
  await env?.close();
});

describe('the console in a browser', () => {
  it('adds a connection and validates it: Active, each check with what was tried, the policies to copy', async () => {
    await open('/connections/new');
    // A pasted S3 URL is refused with the CLI's message (the same zod schema), and the JSON stays in the form.
    await page.fill('textarea[name=connection]', JSON.stringify({ ...env.source(), bucket: `s3://${env.bucket}/events` }));
    await page.click('button[type=submit]');
    expect(await page.textContent('.notice.bad')).toBe(`invalid input: bucket: enter the bucket name only, without "s3://": bucket "${env.bucket}" and prefix "events"`);
    await page.fill('textarea[name=connection]', JSON.stringify(env.source(), null, 2));
    await page.click('button[type=submit]');
    expect(page.url()).toContain(`/connections/${name}`);
    expect(await page.textContent('.notice')).toContain(`saved "${name}"; validation: started ${env.workflowIdPrefix}validate-connection-${name}`);
    await reloadUntil(page, async () => (await page.textContent('dl.facts .badge')) === 'Active', 'the connection to turn Active');
    expect(await page.locator('table.report tr[data-check] td:first-child').allTextContents())
      .toEqual(['credentials', 'bucket', 'list-prefix', 'source-layout', 'sample-read']);
    expect(await page.locator('table.report tr[data-check] .badge').allTextContents()).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(await page.textContent('tr[data-check=list-prefix] td:nth-child(3)')).toContain(`ListObjectsV2`);
    expect(await page.textContent('#policy-identityPolicy')).toContain(`"arn:aws:s3:::${env.bucket}/*"`);
    await keep();
    await shot('console-connection.png');
    // The warehouse and Temporal agree.
    expect(await warehouse(env, 'SELECT status FROM s3bridge.connection_status WHERE name = $name', { name })).toEqual([{ status: 'active' }]);
    const validation = await env.temporal.workflow.getHandle(env.s3bridge.validationWorkflowId(name)).describe();
    expect(validation.status.name).toBe('COMPLETED');
    await open('/connections');
    expect(await page.textContent(`tr:has(a[href="/connections/${name}"]) .badge`)).toBe('Active');
    await keep();
  });

  it('discovers the tables and imports one: the calendar shows each day loaded, with its rows, and the failed day', async () => {
    await open(`/connections/${name}`);
    await page.click('button:has-text("Discover tables")');
    expect(await page.textContent('.notice')).toContain(`discovery: started ${env.workflowIdPrefix}discover-schema-${name}`);
    await open('/tables');
    await reloadUntil(page, async () => (await page.locator(`a[href="/tables/${name}/events"]`).count()) === 1, 'discovery to list events');
    await page.click(`a[href="/tables/${name}/events"]`);
    await page.selectOption('select[name=days]', 'all');
    await page.click('form[action$="/import"] button[type=submit]');
    expect(await page.textContent('.notice')).toContain(`import: started ${env.s3bridge.importWorkflowId(name, 'events')}`);
    await reloadUntil(page, async () => (await cell('2025-03-04').getAttribute('data-outcome')) === 'failed', 'the failed day on the calendar');
    expect(await Promise.all(['2025-03-01', '2025-03-02', '2025-03-03'].map((d) => cell(d).getAttribute('data-outcome')))).toEqual(['loaded', 'loaded', 'loaded']);
    expect(await Promise.all(['2025-03-01', '2025-03-02', '2025-03-03'].map((d) => cell(d).locator('small').textContent()))).toEqual(['4', '5', '6']);
    await keep();
    await shot('console-table.png');
    expect(await warehouse(env, `SELECT _day::VARCHAR AS day, count(*) AS n FROM ${rawTable(env, 'events')} GROUP BY 1 ORDER BY 1`))
      .toEqual([{ day: '2025-03-01', n: 4 }, { day: '2025-03-02', n: 5 }, { day: '2025-03-03', n: 6 }]);
    const run = await env.temporal.workflow.getHandle(env.s3bridge.importWorkflowId(name, 'events')).describe();
    expect([run.status.name, run.typedSearchAttributes.get(S3BRIDGE_FAILED_DAYS)]).toEqual(['COMPLETED', 1]);
  });

  it('opens the failed day from the calendar, shows its error (the one Temporal recorded) and re-imports it once fixed', async () => {
    await cell('2025-03-04').locator('a').click();
    expect(page.url()).toContain(`/tables/${name}/events/days/2025-03-04`);
    const error = await page.textContent('pre.error');
    expect(error).toMatch(new RegExp(`^s3://${env.bucket}/events/date=2025-03-04/part-0\\.parquet cannot be read as parquet: .+; replace or remove the file, then re-run the import$`));
    const report = await env.temporal.workflow.getHandle(env.s3bridge.importWorkflowId(name, 'events')).result() as { days: DayReport[] };
    expect(report.days.find((d) => d.unit === '2025-03-04')).toMatchObject({ status: 'failed', reason: error });
    expect(await page.getAttribute('a.temporal', 'href')).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(`${env.s3bridge.importWorkflowId(name, 'events')}-2025-03-04`)}`);
    await keep();
    await shot('console-day.png');
    // The file is fixed; "Re-import this day" loads it with the settings the day last ran with.
    await putTable(env.s3, env.bucket, 'events/date=2025-03-04/part-0.parquet', "SELECT 300 + r AS id, 'view' AS event FROM range(7) t(r)");
    await page.click('button:has-text("Re-import this day")');
    expect(await page.textContent('.notice')).toContain(`re-import of 2025-03-04: started ${env.s3bridge.importWorkflowId(name, 'events')}-reimport-2025-03-04`);
    await reloadUntil(page, async () => (await page.textContent('dl.facts .badge')) === 'loaded', 'the re-imported day to load');
    expect(await page.locator('pre.error').count()).toBe(0);
    expect(await warehouse(env, `SELECT count(*) AS n FROM ${rawTable(env, 'events')} WHERE _day = '2025-03-04'`)).toEqual([{ n: 7 }]);
    // A loaded day opens its files, its load ID and its rows.
    await open(`/tables/${name}/events/days/2025-03-02`);
    const [ledger] = await warehouse<{ load_id: string }>(env, "SELECT load_id FROM s3bridge.load_ledger WHERE connection = $name AND unit = '2025-03-02'", { name });
    expect(await page.textContent('section.load')).toContain(ledger!.load_id);
    expect(await page.textContent('section.load')).toContain('events/date=2025-03-02/part-0.parquet');
    await keep();
  });

  it('approves drift: the day that waits for it shows on the calendar, the button lets it load', async () => {
    await open(`/tables/${name}/drifty`);
    await page.click('form[action$="/import"] button[type=submit]');
    await reloadUntil(page, async () => (await cell('2025-04-01').getAttribute('data-outcome')) === 'loaded', 'drifty\'s first day');
    // The id column turns from BIGINT into VARCHAR: drift.
    await putTable(env.s3, env.bucket, 'drifty/date=2025-04-03/part-0.parquet', "SELECT 'x' || r AS id, 'k' AS name FROM range(2) t(r)");
    await page.selectOption('select[name=driftPolicy]', 'wait');
    await page.click('form[action$="/import"] button[type=submit]');
    await reloadUntil(page, async () => (await cell('2025-04-03').getAttribute('data-outcome')) === 'waiting', 'the day waiting for a drift approval');
    expect(await page.textContent('.notice.warn')).toContain('A schema change waits for approval');
    expect(await warehouse(env, `SELECT count(*) AS n FROM ${rawTable(env, 'drifty')} WHERE _day = '2025-04-03'`)).toEqual([{ n: 0 }]);
    await keep();
    // The Runs page shows the import in progress, from its importProgress query, linked to the Temporal UI.
    await open('/runs');
    const importId = env.s3bridge.importWorkflowId(name, 'drifty');
    const row = page.locator(`tr[data-workflow-id="${importId}"]`).first();
    await reloadUntil(page, async () => (await row.count()) === 1, 'the running import on the Runs page');
    expect(await row.locator('.progress').textContent()).toBe(`${name}/drifty: 0/1 days (1 skipped), 0 rows, 0 B; loading 2025-04-03`);
    expect(await row.locator('a.temporal').getAttribute('href')).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(importId)}`);
    await keep();
    await shot('console-runs.png');
    await open(`/tables/${name}/drifty`);
    await page.click('button:has-text("Approve drift")');
    expect(await page.textContent('.notice')).toContain(`approved the schema change of ${name}/drifty; signalled`);
    await reloadUntil(page, async () => (await cell('2025-04-03').getAttribute('data-outcome')) === 'loaded', 'the approved day to load');
    expect(await warehouse(env, `SELECT id FROM ${rawTable(env, 'drifty')} WHERE _day = '2025-04-03' ORDER BY id`)).toEqual([{ id: 'x0' }, { id: 'x1' }]);
    const report = await env.temporal.workflow.getHandle(importId).result() as { days: DayReport[] };
    expect(report.days).toMatchObject([{ day: '2025-04-03', status: 'loaded', rows: 2, reason: 'new; drift approved' }]);
  });

  it('approves a migration from its page: the switch happens and the old destination is disabled', async () => {
    await seedEvents(env, hourOfEvents('2025-10-01T10:00:00Z', 6));
    const old = await activeDestination(env, destination(env, { name: `old-${env.id}`, prefix: 'old' }));
    const fresh = destination(env, { name: `new-${env.id}`, prefix: 'new' });
    await env.withWarehouse((db) => saveConnection(db, fresh));
    const handle = await env.s3bridge.startMigrateDestination({
      from: old.name, to: fresh.name, windows: { from: '2025-10-01T10', to: '2025-10-01T11' }, overlap: '1 second', requireApproval: true,
    });
    await open('/exports');
    await reloadUntil(page, async () => (await page.locator(`a[href="/migrations/${old.name}/${fresh.name}"]`).count()) === 1, 'the migration in the list');
    await page.click(`a[href="/migrations/${old.name}/${fresh.name}"]`);
    await reloadUntil(page, async () => (await page.textContent('.steps li.current')) === 'awaiting-approval', 'the step awaiting-approval');
    expect(await page.textContent('.steps')).toContain('verify-test: 1 window(s), 6 row(s) read back, exactly the warehouse\'s');
    await keep();
    await shot('console-migration.png');
    await page.fill('input[name=by]', 'console-test');
    await page.click('button[value=approve]');
    expect(await page.textContent('.notice')).toContain('approved: switching to the new destination');
    const report = await handle.result();
    expect(report.status, report.reason).toBe('completed');
    expect(report.approval).toEqual({ approved: true, by: 'console-test' });
    const enabled = async (n: string) => (await env.withWarehouse((db) => destinationState(db, n))).enabled;
    expect([await enabled(old.name), await enabled(fresh.name)]).toEqual([false, true]);
    await open('/exports');
    // The switch exported the window to the new destination's own location (its ledger), and the old one is disabled.
    expect(await page.textContent(`#destination-${fresh.name} .tally`)).toMatch(/^[1-9]\d* windows exported 0 failed 0 pending$/);
    expect(await page.textContent(`#destination-${old.name} h2`)).toContain('disabled');
    await keep();
    await shot('console-exports.png');
  });

  it('resets a table only when its name is typed again', async () => {
    await open(`/tables/${name}/events`);
    await page.fill('input[name=confirm]', 'nope');
    await page.click('button:has-text("Reset table")');
    expect(await page.textContent('.notice.bad')).toBe(`type the table's name, events, to confirm: a reset deletes every imported row of ${name}/events`);
    expect(await warehouse(env, 'SELECT count(*) AS n FROM s3bridge.load_ledger WHERE connection = $name AND table_name = \'events\'', { name })).toEqual([{ n: 4 }]);
    await page.fill('input[name=confirm]', 'events');
    await page.click('button:has-text("Reset table")');
    expect(await page.textContent('.notice')).toBe(`reset ${name}/events: 22 rows, 4 ledger entries and 0 rejects deleted; the next import loads every day again`);
    expect(await warehouse(env, 'SELECT count(*) AS n FROM s3bridge.load_ledger WHERE connection = $name AND table_name = \'events\'', { name })).toEqual([{ n: 0 }]);
  });

  it('never shows a secret', () => {
    expect(pages.length).toBeGreaterThan(8);
    for (const html of pages) expect(html).not.toContain(process.env.MINIO_ROOT_PASSWORD!);
  });
});

describe('who may use the console', () => {
  it('refuses a POST from another origin (CSRF) and a Host it does not answer to (DNS rebinding)', async () => {
    const forged = await fetch(`${running.url}/connections/${name}/validate`, {
      method: 'POST', redirect: 'manual', headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'x=1',
    });
    expect(forged.status).toBe(403);
    const rebound = await getWithHost(`${running.url}/connections`, 'evil.example');
    expect([rebound.status, rebound.body]).toEqual([421, 'refused: this console answers to its own address, not to "evil.example" (S3BRIDGE_CONSOLE_ALLOWED_HOSTS adds names)']);
  });

  it('requires its token when one is set: sign in once, or send it as a bearer token', async () => {
    const token = 'a-long-console-token-for-tests';
    const guarded = await startConsole({ client: env.s3bridge, settings: env.settings, console: consoleSettings({ S3BRIDGE_CONSOLE_TOKEN: token }, { port: 0 }) });
    try {
      const anonymous = await fetch(`${guarded.url}/runs`, { redirect: 'manual' });
      expect([anonymous.status, anonymous.headers.get('location')]).toEqual([303, '/login?next=%2Fruns']);
      expect((await fetch(`${guarded.url}/runs`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      await page.goto(`${guarded.url}/runs`);
      await page.fill('input[name=token]', 'wrong-token-wrong-token');
      await page.click('button[type=submit]');
      expect(await page.textContent('.notice.bad')).toBe('wrong token');
      await page.goto(`${guarded.url}/runs`);
      await page.fill('input[name=token]', token);
      await page.click('button[type=submit]');
      expect(new URL(page.url()).pathname).toBe('/runs');
      expect(await page.textContent('h1')).toBe('Runs');
      expect(await page.content()).not.toContain(token);
    } finally {
      await guarded.close();
    }
  });

  it('behind an authenticating proxy, refuses every request without its header', async () => {
    const proxied = await startConsole({ client: env.s3bridge, settings: env.settings, console: consoleSettings({}, { port: 0, trustedHeader: 'X-Forwarded-User' }) });
    try {
      const bare = await fetch(`${proxied.url}/runs`);
      expect([bare.status, await bare.text()]).toEqual([401, 'refused: no x-forwarded-user header; sign in through the reverse proxy']);
      expect((await fetch(`${proxied.url}/runs`, { headers: { 'x-forwarded-user': 'alice' } })).status).toBe(200);
    } finally {
      await proxied.close();
    }
  });

  it('will not listen beyond loopback without a token or a trusted proxy header', () => {
    expect(() => consoleSettings({}, { host: '0.0.0.0' })).toThrow('the console is bound to 0.0.0.0, reachable from other machines, without a token');
    expect(consoleSettings({}, { host: '0.0.0.0', trustedHeader: 'X-Forwarded-User' })).toMatchObject({ host: '0.0.0.0', trustedHeader: 'x-forwarded-user' });
  });
});
