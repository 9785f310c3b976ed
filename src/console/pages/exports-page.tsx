import { bytes } from '../../cli/follow-run';
import type { RunView } from '../../client/run-control';
import type { MigrationReport, MigrationStep } from '../../workflow-safe/export/migration';
import type { ExportStream, FailedWindow, PendingWindows } from '../export-windows';
import { CONNECTION_STATUS, MIGRATION_STATUS, WINDOW_STATUS, runStatus } from '../status-words';
import { ActionButton, Badge, Layout, TemporalLink, count, seg, when, type Notice } from './page-parts';

export interface DestinationView {
  name: string;
  location: string;
  status: string;
  enabled: boolean;
  disabledReason?: string;
  streams: ExportStream[];
  failed: FailedWindow[];
  pending: PendingWindows[];
}

export interface MigrationSummary { run: RunView; report?: MigrationReport }

export function ExportsPage(props: { destinations: DestinationView[]; migrations: MigrationSummary[]; urlOf: (workflowId: string) => string; notice?: Notice }) {
  return (
    <Layout title="Exports and migrations" section="exports" notice={props.notice}>
      {props.destinations.length === 0 ? <p class="empty">No destination connections yet.</p> : null}
      {props.destinations.map((d) => {
        const status = CONNECTION_STATUS[d.status] ?? CONNECTION_STATUS.none!;
        return (
          <section class="destination" id={`destination-${d.name}`}>
            <h2><a href={`/connections/${seg(d.name)}`}>{d.name}</a> <Badge tone={status.tone} word={status.word} />{' '}
              <Badge tone={d.enabled ? 'ok' : 'idle'} word={d.enabled ? 'enabled' : 'disabled'} /></h2>
            <p class="mono">{d.location}{d.disabledReason && !d.enabled ? ` (disabled: ${d.disabledReason})` : ''}</p>
            <p class="tally">
              <Badge tone={WINDOW_STATUS.exported} word={`${count(d.streams.reduce((n, s) => n + s.windows, 0))} windows exported`} />{' '}
              <Badge tone={WINDOW_STATUS.failed} word={`${d.failed.length} failed`} />{' '}
              <Badge tone={WINDOW_STATUS.pending} word={`${d.pending.reduce((n, p) => n + p.left, 0)} pending`} />
            </p>
            {d.streams.length > 0 ? (
              <table>
                <thead><tr><th>table</th><th>format</th><th>source ID</th><th>windows</th><th>from</th><th>to</th><th>rows</th><th>bytes</th><th>last exported</th></tr></thead>
                <tbody>
                  {d.streams.map((s) => (
                    <tr><td>{s.table}</td><td>{s.format}</td><td>{s.sourceId}</td><td>{count(s.windows)}</td><td>{when(s.firstWindow)}</td><td>{when(s.lastWindow)}</td>
                      <td>{count(s.rows)}</td><td>{bytes(s.bytes)}</td><td>{when(s.lastExportedAt)}</td></tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {d.failed.map((f) => <p class="reason"><Badge tone="bad" word="failed" /> {when(f.window)}: {f.error} <TemporalLink href={props.urlOf(f.workflowId)} /></p>)}
            {d.pending.map((p) => <p><Badge tone="busy" word="pending" /> {p.left} window(s) left in <TemporalLink href={props.urlOf(p.workflowId)} label={p.workflowId} />{p.current ? `, exporting ${p.current}` : ''}</p>)}
          </section>
        );
      })}
      <h2>Migrations</h2>
      {props.migrations.length === 0 ? <p class="empty">No migrations.</p> : (
        <table>
          <thead><tr><th>from</th><th>to</th><th>status</th><th>step</th><th>started</th><th>run</th></tr></thead>
          <tbody>
            {props.migrations.map(({ run, report }) => (
              <tr>
                <td>{report?.from ?? run.connection ?? ''}</td>
                <td>{report ? <a href={`/migrations/${seg(report.from)}/${seg(report.to)}`}>{report.to}</a> : ''}</td>
                <td>{report ? <Badge tone={MIGRATION_STATUS[report.status] ?? 'idle'} word={report.status} /> : <Badge {...runStatus(run.status)} />}</td>
                <td>{report?.step ?? ''}</td>
                <td>{when(run.startTime)}</td>
                <td><TemporalLink href={props.urlOf(run.workflowId)} label={run.workflowId} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

const STEPS: MigrationStep[] = ['validate', 'test-export', 'verify-test', 'awaiting-approval', 'switch', 'overlap', 'disable-old', 'verify-new', 'cleanup', 'done'];

/** A migration: its steps (done, current, to come), findings and verifications, and its controls. */
export function MigrationPage(props: { report: MigrationReport; run: RunView; url: string; notice?: Notice }) {
  const r = props.report;
  const base = `/migrations/${seg(r.from)}/${seg(r.to)}`;
  const reached = STEPS.indexOf(r.step);
  const running = r.status === 'running' || r.status === 'paused';
  return (
    <Layout title={`Migration ${r.from} → ${r.to}`} section="exports" notice={props.notice} refresh={running ? 3 : undefined}>
      <dl class="facts">
        <dt>status</dt><dd><Badge tone={MIGRATION_STATUS[r.status] ?? 'idle'} word={r.status} /> · step <strong>{r.step}</strong> · <TemporalLink href={props.url} /></dd>
        {r.reason ? <><dt>reason</dt><dd class="reason">{r.reason}</dd></> : null}
        {r.approval ? <><dt>answer</dt><dd>{r.approval.approved ? 'approved' : 'refused'}{r.approval.by ? ` by ${r.approval.by}` : ''}{r.approval.note ? `: ${r.approval.note}` : ''}</dd></> : null}
      </dl>
      <ol class="steps">
        {STEPS.map((step, i) => {
          const done = reached > i || r.status === 'completed';
          const finding = r.findings.filter((f) => f.startsWith(`${step}:`)).map((f) => f.slice(step.length + 1).trim()).join('; ');
          return <li class={step === r.step && r.status !== 'completed' ? 'current' : done ? 'done' : ''}><strong>{step}</strong>{finding ? `: ${finding}` : ''}</li>;
        })}
      </ol>
      {r.findings.some((f) => f.startsWith('rolling-back') || f.startsWith('rolled-back')) ? (
        <ul>{r.findings.filter((f) => f.startsWith('rolling-back') || f.startsWith('rolled-back')).map((f) => <li>{f}</li>)}</ul>
      ) : null}
      {running ? (
        <div class="actions">
          {r.step === 'awaiting-approval' ? (
            <form method="post" action={`${base}/answer`} class="inline">
              <label>by <input type="text" name="by" /></label>
              <label>note <input type="text" name="note" /></label>
              <button type="submit" name="answer" value="approve">Approve the switch</button>
              <button type="submit" name="answer" value="refuse" class="danger">Refuse</button>
            </form>
          ) : null}
          {r.status === 'paused' ? <ActionButton action={`${base}/resume`} label="Resume" /> : <ActionButton action={`${base}/pause`} label="Pause" />}
          <ActionButton action={`${base}/abort`} label="Abort (roll back)" danger />
        </div>
      ) : null}
      {[['Test export, read back', r.testVerification], ['New location, read back', r.newVerification]].map(([title, rows]) => (
        Array.isArray(rows) && rows.length > 0 ? (
          <>
            <h2>{title as string}</h2>
            <table>
              <thead><tr><th>window</th><th>objects</th><th>read back</th><th>expected</th><th>missing</th><th>unexpected</th><th>duplicates</th><th></th></tr></thead>
              <tbody>
                {rows.map((v) => (
                  <tr><td>{when(v.window)}</td><td>{v.objects}</td><td>{v.exported}</td><td>{v.expected}</td><td>{v.missing}</td><td>{v.unexpected}</td><td>{v.duplicates}</td>
                    <td><Badge tone={v.ok ? 'ok' : 'bad'} word={v.ok ? 'exact' : v.problems.join('; ') || 'differs'} /></td></tr>
                ))}
              </tbody>
            </table>
          </>
        ) : null
      ))}
    </Layout>
  );
}
