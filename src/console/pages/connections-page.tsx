import type { ScheduleView } from '../../client/schedule-control';
import type { Connection } from '../../workflow-safe/connection';
import type { ConnectionPolicies } from '../../workflow-safe/policies/connection-policies';
import type { ValidationReport } from '../../workflow-safe/validation/validation-report';
import { CHECK_STATUS, CONNECTION_STATUS } from '../status-words';
import { ActionButton, Badge, Layout, TemporalLink, seg, when, type Notice } from './page-parts';

/** One row of the Connections page. */
export interface ConnectionSummary {
  name: string;
  direction: string;
  location: string;
  status: keyof typeof CONNECTION_STATUS;
  validatedAt?: string;
  reason?: string;
}

/** `s3://bucket/prefix/` (and the endpoint when not AWS). */
export function locationOf(c: Connection): string {
  return `s3://${c.bucket}/${c.prefix ? `${c.prefix}/` : ''}${c.endpoint ? ` at ${c.endpoint}` : ''}`;
}

function StatusBadge(props: { status: string }) {
  const s = CONNECTION_STATUS[props.status] ?? CONNECTION_STATUS.none!;
  return <Badge tone={s.tone} word={s.word} />;
}

export function ConnectionsPage(props: { connections: ConnectionSummary[]; notice?: Notice }) {
  return (
    <Layout title="Connections" section="connections" notice={props.notice}>
      <p><a class="button" href="/connections/new">Add a connection</a></p>
      {props.connections.length === 0 ? <p class="empty">No connections yet.</p> : (
        <table>
          <thead><tr><th>name</th><th>direction</th><th>location</th><th>status</th><th>validated</th><th>reason</th></tr></thead>
          <tbody>
            {props.connections.map((c) => (
              <tr>
                <td><a href={`/connections/${seg(c.name)}`}>{c.name}</a></td>
                <td>{c.direction}</td>
                <td class="mono">{c.location}</td>
                <td><StatusBadge status={c.status} /></td>
                <td>{when(c.validatedAt)}</td>
                <td class="reason">{c.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

const EXAMPLE = `{
  "name": "shop",
  "direction": "source",
  "region": "eu-west-1",
  "bucket": "acme-data",
  "prefix": "exports/shop",
  "auth": {"type": "assume-role", "roleArn": "arn:aws:iam::123456789012:role/s3bridge-reader", "externalId": "..."}
}`;

/** The form of `connections add`: the same JSON, checked by the same schema. */
export function NewConnectionPage(props: { json?: string; error?: string }) {
  return (
    <Layout title="Add a connection" section="connections" notice={props.error ? { text: props.error, tone: 'bad' } : undefined}>
      <p>The connection as JSON, as <code>s3bridge connections add</code> takes it (docs/connections.md). Secrets are references
        (<code>env:NAME</code>, <code>file:path</code>) that the worker resolves; never paste a key.</p>
      <form method="post" action="/connections" class="stack">
        <textarea name="connection" rows={12} spellcheck={false} placeholder={EXAMPLE}>{props.json ?? ''}</textarea>
        <label><input type="checkbox" name="validate" value="1" checked /> validate it after saving</label>
        <button type="submit">Save</button>
      </form>
    </Layout>
  );
}

function authLine(c: Connection): string {
  const auth = c.auth;
  if (auth.type === 'assume-role') return `assume-role ${auth.roleArn} (external ID set)`;
  if (auth.type === 'static-keys') return `static-keys, by reference: ${auth.accessKeyId}, ${auth.secretAccessKey}${auth.sessionToken ? `, ${auth.sessionToken}` : ''}`;
  return auth.type;
}

/** The validation report: each check, what was tried, what was found, the fix. */
function ReportTable(props: { report: ValidationReport }) {
  return (
    <table class="report">
      <thead><tr><th>check</th><th>status</th><th>tried</th><th>found</th><th>fix</th></tr></thead>
      <tbody>
        {props.report.checks.map((row) => (
          <tr data-check={row.check}>
            <td>{row.check}</td>
            <td><Badge tone={CHECK_STATUS[row.status] ?? 'idle'} word={row.status} /></td>
            <td>{row.tried}</td>
            <td>{row.detail ?? ''}</td>
            <td>{row.fix ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const POLICY_TITLES: [keyof ConnectionPolicies, string][] = [
  ['identityPolicy', 'IAM policy: attach to the role or user s3bridge uses'],
  ['bucketPolicy', 'Bucket policy: the same grants, for a principal in another account'],
  ['trustPolicy', 'Role trust policy: lets the s3bridge worker assume the role with the external ID'],
  ['kmsKeyPolicyStatement', 'KMS key policy statement'],
];

export interface ConnectionDetail {
  connection: Connection;
  status: string;
  validatedAt?: string;
  report?: ValidationReport;
  validationUrl?: string;
  policies: ConnectionPolicies;
  schedules: (ScheduleView & { url: string })[];
  tables: number;
}

export function ConnectionPage(props: ConnectionDetail & { notice?: Notice }) {
  const c = props.connection;
  const base = `/connections/${seg(c.name)}`;
  return (
    <Layout title={`Connection ${c.name}`} section="connections" notice={props.notice} refresh={props.status === 'processing' ? 2 : undefined}>
      <dl class="facts">
        <dt>status</dt><dd><StatusBadge status={props.status} />{props.validatedAt ? ` ${props.status === 'processing' ? 'since' : 'at'} ${when(props.validatedAt)}` : ''}
          {props.validationUrl ? <> · <TemporalLink href={props.validationUrl} label="validation run" /></> : null}</dd>
        <dt>direction</dt><dd>{c.direction}</dd>
        <dt>location</dt><dd class="mono">{locationOf(c)} ({c.region})</dd>
        <dt>access</dt><dd class="mono">{authLine(c)}</dd>
        {c.direction === 'source' ? <><dt>format</dt><dd>{c.format}, partitioning {c.partitioning}</dd></> : <><dt>encryption</dt><dd>{c.encryption.type}</dd></>}
      </dl>
      <p class="actions">
        <ActionButton action={`${base}/validate`} label="Validate" />
        {c.direction === 'source' ? <ActionButton action={`${base}/discover`} label="Discover tables" /> : null}
        {c.direction === 'source' ? <a href={`/tables#${seg(c.name)}`}>{props.tables} discovered table{props.tables === 1 ? '' : 's'}</a> : <a href="/exports">exports</a>}
      </p>
      <h2>Last validation</h2>
      {props.report
        ? <>{props.report.reason ? <p class="reason">{props.report.reason}</p> : null}<ReportTable report={props.report} /></>
        : <p class="empty">Not validated yet.</p>}
      <h2>Schedules</h2>
      {props.schedules.length === 0 ? <p class="empty">No Schedules for this connection.</p> : (
        <table>
          <thead><tr><th>schedule</th><th>kind</th><th>state</th><th>runs</th><th>next</th></tr></thead>
          <tbody>
            {props.schedules.map((s) => (
              <tr>
                <td><TemporalLink href={s.url} label={s.scheduleId} /></td>
                <td>{s.kind}</td>
                <td><Badge tone={s.paused ? 'warn' : 'ok'} word={s.paused ? 'paused' : 'active'} /></td>
                <td>{s.spec}</td>
                <td>{when(s.nextRuns[0])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Least-privilege policies</h2>
      <p>What <code>s3bridge policy {c.name}</code> prints, scoped to the prefix.</p>
      {POLICY_TITLES.filter(([key]) => props.policies[key]).map(([key, title]) => (
        <section class="policy">
          <h3>{title} <button type="button" class="copy" data-copy={`policy-${key}`}>Copy</button></h3>
          <pre id={`policy-${key}`}>{JSON.stringify(props.policies[key], null, 2)}</pre>
        </section>
      ))}
    </Layout>
  );
}
