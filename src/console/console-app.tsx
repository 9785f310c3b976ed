import { Hono, type Context } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { Settings } from '../config/settings';
import type { S3BridgeClient } from '../client/s3bridge-client';
import { explainError } from '../cli/describe-error';
import type { CatalogSession } from '../client/with-catalog';
import type { ImportInput } from '../workflow-safe/import/import-input';
import { accessControl, safeNext, signIn } from './access-control';
import { CONSOLE_CSS } from './assets/console-css';
import { CONSOLE_JS } from './assets/console-script';
import { ConsoleActions } from './console-actions';
import type { ConsoleSettings } from './console-settings';
import { Notices } from './notices';
import { PageData } from './page-data';
import { ConnectionPage, ConnectionsPage, NewConnectionPage } from './pages/connections-page';
import { DayPage } from './pages/day-page';
import { ExportsPage, MigrationPage } from './pages/exports-page';
import { Layout, seg, type Notice } from './pages/page-parts';
import { RunsPage } from './pages/runs-page';
import { TablePage, TablesPage } from './pages/tables-page';
import { NoWorker } from './worker-runs';
import { WarehouseReads } from './warehouse-reads';

export interface ConsoleDeps {
  client: S3BridgeClient;
  settings: Settings;
  console: ConsoleSettings;
  /**
   * Where `connections add` stores a connection. A console in the worker's own process (the demo,
   * tests) passes the worker's catalog: one process may hold the embedded file once. By default the
   * console opens the configured catalog for the call, as the CLI does.
   */
  catalog?: CatalogSession;
}

/** A page: Hono's JSX renders to an escaped HTML string. */
async function html(c: Context, page: JSX.Element, status: 200 | 400 | 404 | 500 | 503 = 200): Promise<Response> {
  const rendered: string = await page;
  return c.html(`<!DOCTYPE html>${rendered}`, status);
}

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** The import form's fields as the `import` command's input (its schema checks the rest). */
function importInput(connection: string, table: string, body: Record<string, unknown>): ImportInput {
  const days = field(body, 'days');
  const mapping = field(body, 'mapping');
  let parsedMapping: unknown;
  if (mapping) {
    try {
      parsedMapping = JSON.parse(mapping);
    } catch (error) {
      throw new HTTPException(400, { message: `the mapping is not valid JSON: ${(error as Error).message}` });
    }
  }
  return {
    connection, table,
    days: days === 'range' ? { from: field(body, 'from'), to: field(body, 'to') } : days || 'new-and-changed',
    ...(field(body, 'errorPolicy') ? { errorPolicy: field(body, 'errorPolicy') as ImportInput['errorPolicy'] } : {}),
    ...(field(body, 'driftPolicy') ? { driftPolicy: field(body, 'driftPolicy') as ImportInput['driftPolicy'] } : {}),
    ...(parsedMapping !== undefined ? { mapping: parsedMapping as ImportInput['mapping'] } : {}),
  } as ImportInput;
}

/**
 * The console: server-rendered pages (Hono's JSX, escaped by default) over s3bridge's client.
 * Every state change is a POST behind Hono's CSRF check (Origin / Sec-Fetch-Site must be the
 * console's own) and answered with a redirect to a page that shows the outcome.
 */
export function createConsoleApp(deps: ConsoleDeps): Hono {
  const { client, settings } = deps;
  const reads = new WarehouseReads(client, settings);
  const data = new PageData(client, settings, reads);
  const actions = new ConsoleActions(client, settings, deps.catalog);
  const notices = new Notices();
  const app = new Hono();

  app.use(secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"] },
  }));
  app.use(accessControl(deps.console));
  app.use(csrf());

  const notice = (c: Context): Notice | undefined => notices.take(c.req.query('notice'));
  const done = (c: Context, to: string, n: Notice) => c.redirect(`${to}?notice=${notices.add(n)}`, 303);
  const started = (what: string, workflowId: string): Notice => ({ text: `${what}: started ${workflowId}.`, tone: 'busy', link: { href: data.runUrl(workflowId), label: 'Temporal UI' } });
  /** Runs an action; a refusal goes back to the page as a red notice with the CLI's message. */
  const act = async (c: Context, back: string, fn: () => Promise<Notice>) => {
    try {
      return done(c, back, await fn());
    } catch (error) {
      const message = error instanceof HTTPException ? error.message : explainError(error).text;
      return done(c, back, { text: message, tone: 'bad' });
    }
  };
  const params = (c: Context) => ({ connection: c.req.param('connection') ?? '', table: c.req.param('table') ?? '' });

  app.get('/console.css', (c) => c.body(CONSOLE_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=300' }));
  app.get('/console.js', (c) => c.body(CONSOLE_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=300' }));
  app.get('/login', (c) => html(c, (
    <Layout title="Sign in">
      <form method="post" action="/login" class="inline">
        <input type="hidden" name="next" value={safeNext(c.req.query('next'))} />
        <label>Console token <input type="password" name="token" autocomplete="current-password" /></label>
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  )));
  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    if (!signIn(c, deps.console, field(body, 'token'))) return html(c, <Layout title="Sign in" notice={{ text: 'wrong token', tone: 'bad' }}><p><a href="/login">Try again</a></p></Layout>, 400);
    return c.redirect(safeNext(field(body, 'next')), 303);
  });

  app.get('/', (c) => c.redirect('/connections', 303));
  app.get('/connections', async (c) => html(c, <ConnectionsPage connections={await data.connections()} notice={notice(c)} />));
  app.get('/connections/new', (c) => html(c, <NewConnectionPage />));
  app.post('/connections', async (c) => {
    const body = await c.req.parseBody();
    const json = field(body, 'connection');
    try {
      const { name, validation } = await actions.addConnection(json, field(body, 'validate') === '1');
      return done(c, `/connections/${seg(name)}`, validation ? started(`saved "${name}"; validation`, validation.workflowId) : { text: `saved "${name}"`, tone: 'ok' });
    } catch (error) {
      return html(c, <NewConnectionPage json={json} error={explainError(error).text} />, 400);
    }
  });
  app.get('/connections/:connection', async (c) => html(c, <ConnectionPage {...await data.connection(params(c).connection)} notice={notice(c)} />));
  app.post('/connections/:connection/validate', (c) => {
    const { connection } = params(c);
    return act(c, `/connections/${seg(connection)}`, async () => started('validation', (await actions.validate(connection)).workflowId));
  });
  app.post('/connections/:connection/discover', (c) => {
    const { connection } = params(c);
    return act(c, `/connections/${seg(connection)}`, async () => {
      const handle = await actions.discover(connection);
      return { ...started('discovery', handle.workflowId), text: `discovery: started ${handle.workflowId}; its tables appear on the Tables page when it ends.` };
    });
  });

  app.get('/tables', async (c) => html(c, <TablesPage {...await data.tables()} notice={notice(c)} />));
  app.get('/tables/:connection/:table', async (c) => {
    const { connection, table } = params(c);
    return html(c, <TablePage {...await data.table(connection, table)} notice={notice(c)} />);
  });
  app.post('/tables/:connection/:table/import', async (c) => {
    const { connection, table } = params(c);
    const body = await c.req.parseBody();
    return act(c, `/tables/${seg(connection)}/${seg(table)}`, async () => started('import', (await actions.importTable(importInput(connection, table, body))).workflowId));
  });
  app.post('/tables/:connection/:table/approve-drift', (c) => {
    const { connection, table } = params(c);
    return act(c, `/tables/${seg(connection)}/${seg(table)}`, async () => {
      const signalled = await actions.approveDrift(connection, table);
      return { text: `approved the schema change of ${connection}/${table}; signalled ${signalled.length} running import${signalled.length === 1 ? '' : 's'}`, tone: 'ok' };
    });
  });
  app.post('/tables/:connection/:table/reset', async (c) => {
    const { connection, table } = params(c);
    const body = await c.req.parseBody();
    return act(c, `/tables/${seg(connection)}/${seg(table)}`, async () => {
      const r = await actions.resetTable(connection, table, field(body, 'confirm'));
      return { text: `reset ${r.connection}/${r.table}: ${r.rowsDeleted} rows, ${r.ledgerEntries} ledger entries and ${r.rejectsDeleted} rejects deleted; the next import loads every day again`, tone: 'ok' };
    });
  });
  app.get('/tables/:connection/:table/days/:unit', async (c) => {
    const { connection, table } = params(c);
    return html(c, <DayPage {...await data.day(connection, table, c.req.param('unit'))} notice={notice(c)} />);
  });
  app.post('/tables/:connection/:table/days/:unit/reimport', (c) => {
    const { connection, table } = params(c);
    const unit = c.req.param('unit');
    return act(c, `/tables/${seg(connection)}/${seg(table)}/days/${seg(unit)}`, async () => started(`re-import of ${unit}`, (await actions.reimportDay(connection, table, unit)).workflowId));
  });

  app.get('/runs', async (c) => html(c, <RunsPage {...await data.runs()} urlOf={(id) => data.runUrl(id)} notice={notice(c)} />));
  app.get('/exports', async (c) => html(c, <ExportsPage {...await data.exports()} urlOf={(id) => data.runUrl(id)} notice={notice(c)} />));
  app.get('/migrations/:from/:to', async (c) => {
    const { run, report } = await data.migration(c.req.param('from'), c.req.param('to'));
    return html(c, <MigrationPage run={run} report={report} url={data.runUrl(run.workflowId)} notice={notice(c)} />);
  });
  app.post('/migrations/:from/:to/:control{pause|resume|abort|answer}', async (c) => {
    const from = c.req.param('from');
    const to = c.req.param('to');
    const control = c.req.param('control') as 'pause' | 'resume' | 'abort' | 'answer';
    const body = await c.req.parseBody();
    return act(c, `/migrations/${seg(from)}/${seg(to)}`, async () => {
      if (control === 'answer') {
        const message = await actions.answerMigration(from, to, field(body, 'answer') === 'approve', field(body, 'by') || undefined, field(body, 'note') || undefined);
        return { text: message, tone: 'ok' };
      }
      await actions.controlMigration(from, to, control, control === 'abort' ? 'aborted from the console' : undefined);
      return { text: `${control} sent to the migration ${from} -> ${to}`, tone: 'ok' };
    });
  });

  app.notFound((c) => html(c, <Layout title="Not found"><p class="empty">No such page.</p></Layout>, 404));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    const { text, usage } = explainError(error);
    const status = error instanceof NoWorker ? 503 : usage ? 400 : 500;
    return html(c, <Layout title="Cannot show this page"><p class="notice bad">{text}</p></Layout>, status);
  });
  return app;
}
