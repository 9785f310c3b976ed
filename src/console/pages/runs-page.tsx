import type { RunView } from '../../client/run-control';
import { formatExportProgress, formatImportProgress } from '../../cli/follow-run';
import type { LiveRun } from '../temporal-reads';
import { runStatus } from '../status-words';
import { Badge, Layout, TemporalLink, when, type Notice } from './page-parts';

/** The live line of a run, from its own query (the CLI's `watch` line). */
function progressLine(live: LiveRun): string {
  if (live.importProgress) return formatImportProgress(live.importProgress);
  if (live.exportProgress) return formatExportProgress(live.exportProgress);
  if (live.migration) return `${live.migration.from} -> ${live.migration.to}: ${live.migration.status} (step ${live.migration.step})`;
  return '';
}

function what(run: RunView): string {
  return [run.connection, run.table].filter(Boolean).join(' / ');
}

export function RunsPage(props: { running: LiveRun[]; recent: RunView[]; urlOf: (workflowId: string) => string; notice?: Notice }) {
  return (
    <Layout title="Runs" section="runs" notice={props.notice} refresh={props.running.length > 0 ? 3 : undefined}>
      <h2>In progress</h2>
      {props.running.length === 0 ? <p class="empty">Nothing is running.</p> : (
        <table class="runs">
          <thead><tr><th>kind</th><th>of</th><th>progress</th><th>started</th><th>run</th></tr></thead>
          <tbody>
            {props.running.map((live) => (
              <tr data-workflow-id={live.run.workflowId}>
                <td>{live.run.kind ?? live.run.workflowType}</td>
                <td>{what(live.run)}</td>
                <td class="progress">{progressLine(live)}</td>
                <td>{when(live.run.startTime)}</td>
                <td><TemporalLink href={props.urlOf(live.run.workflowId)} label={live.run.workflowId} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Recent</h2>
      {props.recent.length === 0 ? <p class="empty">No finished runs.</p> : (
        <table class="runs">
          <thead><tr><th>kind</th><th>of</th><th>status</th><th>closed</th><th>run</th></tr></thead>
          <tbody>
            {props.recent.map((run) => {
              const s = runStatus(run.status);
              return (
                <tr data-workflow-id={run.workflowId}>
                  <td>{run.kind ?? run.workflowType}</td>
                  <td>{what(run)}</td>
                  <td><Badge tone={s.tone} word={s.word} />{run.failedDays ? ` ${run.failedDays} failed days` : ''}</td>
                  <td>{when(run.closeTime)}</td>
                  <td><TemporalLink href={props.urlOf(run.workflowId)} label={run.workflowId} /></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
