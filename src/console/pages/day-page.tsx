import { bytes } from '../../cli/follow-run';
import type { CalendarDay } from '../day-calendar';
import { DAY_OUTCOME } from '../status-words';
import type { LedgerEntryRow, RejectRow } from '../warehouse-reads';
import { ActionButton, Badge, Layout, TemporalLink, count, seg, when, type Notice } from './page-parts';

export interface DayDetail {
  connection: string;
  table: string;
  unit: string;
  day?: CalendarDay;
  /** The day's commits in the ledger (one per target), newest first. */
  entries: LedgerEntryRow[];
  rejects: RejectRow[];
  /** The failed run's error: the key, the row or line, the column and the fix. */
  error?: string;
  runUrl?: string;
}

interface LedgerFile { key: string; etag?: string; size?: number }

function filesOf(entry: LedgerEntryRow): LedgerFile[] {
  try {
    return JSON.parse(entry.files_json) as LedgerFile[];
  } catch {
    return [];
  }
}

export function DayPage(props: DayDetail & { notice?: Notice }) {
  const base = `/tables/${seg(props.connection)}/${seg(props.table)}`;
  const outcome = props.day ? DAY_OUTCOME[props.day.outcome] : undefined;
  return (
    <Layout title={`${props.connection} / ${props.table} / ${props.unit}`} section="tables" notice={props.notice}
      refresh={props.day?.outcome === 'loading' ? 3 : undefined}>
      <p><a href={base}>back to the calendar</a></p>
      <dl class="facts">
        <dt>outcome</dt><dd>{outcome ? <Badge tone={outcome.tone} word={outcome.word} /> : 'nothing recorded for this day'}
          {props.runUrl ? <> · <TemporalLink href={props.runUrl} label="the day's run" /></> : null}</dd>
        {props.day?.loaded ? <><dt>in the warehouse</dt><dd>{count(props.day.rows)} rows, {count(props.day.rejectedRows)} rejected</dd></> : null}
      </dl>
      {props.error ? <><h2>Error</h2><pre class="error">{props.error}</pre></> : null}
      {props.day?.outcome === 'waiting' ? (
        <div class="notice warn">
          <p>This day waits for a drift approval:</p>
          <pre>{props.day.reason ?? ''}</pre>
          <ActionButton action={`${base}/approve-drift`} label="Approve drift" />
        </div>
      ) : props.day?.reason && props.day.outcome !== 'failed' ? <p class="reason">{props.day.reason}</p> : null}
      <p class="actions"><ActionButton action={`${base}/days/${seg(props.unit)}/reimport`} label="Re-import this day" /></p>
      <h2>Loads</h2>
      {props.entries.length === 0 ? <p class="empty">No load of this day in the warehouse.</p> : props.entries.map((e) => (
        <section class="load">
          <dl class="facts">
            <dt>load ID</dt><dd class="mono">{e.load_id}</dd>
            <dt>into</dt><dd class="mono">{e.target}</dd>
            <dt>rows</dt><dd>{count(e.rows)} ({count(e.rejected_rows)} rejected)</dd>
            <dt>loaded</dt><dd>{when(e.loaded_at)}{e.loaded_by ? ` by ${e.loaded_by}` : ''}</dd>
          </dl>
          <table>
            <thead><tr><th>file</th><th>size</th><th>ETag</th></tr></thead>
            <tbody>{filesOf(e).map((f) => <tr><td class="mono">{f.key}</td><td>{f.size !== undefined ? bytes(f.size) : ''}</td><td class="mono">{f.etag ?? ''}</td></tr>)}</tbody>
          </table>
        </section>
      ))}
      <h2>Rejected rows</h2>
      {props.rejects.length === 0 ? <p class="empty">No rejected rows.</p> : (
        <table class="rejects">
          <thead><tr><th>file</th><th>row</th><th>column</th><th>reason</th><th>raw</th></tr></thead>
          <tbody>
            {props.rejects.map((r) => (
              <tr><td class="mono">{r.source_key}</td><td>{r.row_number ?? ''}</td><td>{r.column_name ?? ''}</td><td>{r.reason}</td><td class="mono">{r.raw ?? ''}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
