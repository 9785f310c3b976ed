import { bytes } from '../../cli/follow-run';
import { calendarMonths, type CalendarDay } from '../day-calendar';
import { DAY_OUTCOME } from '../status-words';
import type { DiscoveredTableRow, DriftRow, LedgerTotalsRow } from '../warehouse-reads';
import { ActionButton, Badge, Layout, count, seg, when, type Notice } from './page-parts';

/** The Tables page: every discovered table of every source connection, with what the ledger holds. */
export function TablesPage(props: { tables: DiscoveredTableRow[]; drift: DriftRow[]; totals: LedgerTotalsRow[]; notice?: Notice }) {
  const connections = [...new Set(props.tables.map((t) => t.connection))];
  return (
    <Layout title="Tables" section="tables" notice={props.notice}>
      {connections.length === 0 ? <p class="empty">No tables discovered yet: open a source connection and press "Discover tables".</p> : null}
      {connections.map((connection) => (
        <section id={connection}>
          <h2><a href={`/connections/${seg(connection)}`}>{connection}</a></h2>
          <table>
            <thead><tr><th>table</th><th>layout</th><th>format</th><th>files</th><th>days loaded</th><th>rows</th><th>last day</th><th>drift</th></tr></thead>
            <tbody>
              {props.tables.filter((t) => t.connection === connection).map((t) => {
                const totals = props.totals.find((x) => x.connection === connection && x.table_name === t.name);
                const drift = props.drift.find((d) => d.connection === connection && d.table_name === t.name && d.status === 'pending');
                return (
                  <tr>
                    <td><a href={`/tables/${seg(connection)}/${seg(t.name)}`}>{t.name}</a></td>
                    <td>{t.layout}</td>
                    <td>{t.format}</td>
                    <td>{count(t.file_count)} ({bytes(t.total_bytes)})</td>
                    <td>{totals ? count(totals.days) : 0}</td>
                    <td>{totals ? count(totals.rows) : 0}</td>
                    <td>{totals?.last_day ?? ''}</td>
                    <td>{drift ? <Badge tone="warn" word="waiting for drift approval" /> : ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      ))}
    </Layout>
  );
}

function Legend() {
  return (
    <p class="legend">
      {Object.entries(DAY_OUTCOME).map(([, o]) => <span class={`cell ${o.tone}`}>{o.word}</span>)}
    </p>
  );
}

/** Months of days, each day coloured by its outcome, with its rows; a day opens its page. */
function Calendar(props: { base: string; days: CalendarDay[] }) {
  const byDay = new Map(props.days.filter((d) => d.day).map((d) => [d.day!, d]));
  return (
    <div class="calendar">
      {calendarMonths([...byDay.keys()]).map((m) => (
        <table class="month">
          <caption>{m.month}</caption>
          <thead><tr>{['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'].map((d) => <th>{d}</th>)}</tr></thead>
          <tbody>
            {m.weeks.map((week) => (
              <tr>
                {week.map((day) => {
                  const d = day ? byDay.get(day) : undefined;
                  if (!day) return <td class="pad"></td>;
                  if (!d) return <td class="none"><span>{day.slice(8)}</span></td>;
                  const o = DAY_OUTCOME[d.outcome];
                  return (
                    <td class={`cell ${o.tone}`} data-day={day} data-outcome={d.outcome}>
                      <a href={`${props.base}/days/${day}`} title={`${day}: ${o.word}${d.reason ? `: ${d.reason}` : ''}`}>
                        <span>{day.slice(8)}</span><small>{d.loaded ? count(d.rows) : o.word === 'failed' ? '✕' : ''}</small>
                      </a>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

export interface TableDetail {
  connection: string;
  table: string;
  discovered?: DiscoveredTableRow;
  drift?: DriftRow;
  days: CalendarDay[];
  importUrl: string;
}

export function TablePage(props: TableDetail & { notice?: Notice }) {
  const base = `/tables/${seg(props.connection)}/${seg(props.table)}`;
  const whole = props.days.find((d) => d.day === null);
  const tally = (outcome: CalendarDay['outcome']) => props.days.filter((d) => d.outcome === outcome).length;
  const busy = props.days.some((d) => d.outcome === 'loading');
  return (
    <Layout title={`${props.connection} / ${props.table}`} section="tables" notice={props.notice} refresh={busy ? 3 : undefined}>
      <p class="summary">
        {props.discovered ? `${props.discovered.layout}, ${props.discovered.format}, ${count(props.discovered.file_count)} files; discovered ${when(props.discovered.discovered_at)}. ` : ''}
        {(['loaded', 'rejects', 'failed', 'skipped', 'waiting', 'loading'] as const).map((o) => `${tally(o)} ${DAY_OUTCOME[o].word}`).join(', ')}.
      </p>
      {props.drift?.status === 'pending' || props.days.some((d) => d.outcome === 'waiting') ? (
        <div class="notice warn">
          <p>A schema change waits for approval{props.drift ? ` (detected ${when(props.drift.detected_at)})` : ''}: days with drift wait, or fail, by the import's drift policy.</p>
          {props.drift ? <pre>{props.drift.diff}</pre> : null}
          <ActionButton action={`${base}/approve-drift`} label="Approve drift" />
        </div>
      ) : null}
      <Legend />
      {whole ? <p>The table loads as one whole-table unit: <a href={`${base}/days/all`}>{DAY_OUTCOME[whole.outcome].word}, {count(whole.rows)} rows</a></p> : null}
      <Calendar base={base} days={props.days} />
      <h2>Import</h2>
      <form method="post" action={`${base}/import`} class="grid">
        <label>days <select name="days"><option value="new-and-changed">new and changed</option><option value="all">all</option><option value="range">from .. to</option></select></label>
        <label>from <input type="date" name="from" /></label>
        <label>to <input type="date" name="to" /></label>
        <label>bad rows <select name="errorPolicy"><option value="fail-day">fail the day</option><option value="skip-to-rejects">skip to rejects</option></select></label>
        <label>schema drift <select name="driftPolicy"><option value="fail">fail the day</option><option value="evolve">evolve</option><option value="wait">wait for approval</option></select></label>
        <label class="wide">mapping (JSON, optional) <input type="text" name="mapping" placeholder='{"mode": "raw"}' /></label>
        <button type="submit">Import</button>
      </form>
      <p>Runs of this table: <a href={props.importUrl} target="_blank" rel="noopener noreferrer">Temporal UI</a>.</p>
      <h2>Reset</h2>
      <form method="post" action={`${base}/reset`} class="inline danger-zone">
        <label>Deletes every imported row, the ledger, the rejects and the accepted schema of this table; the next import loads every day again.
          Type <code>{props.table}</code> to confirm: <input type="text" name="confirm" autocomplete="off" /></label>
        <button type="submit" class="danger">Reset table</button>
      </form>
    </Layout>
  );
}
