import type { Settings } from '../config/settings';
import { describeRun, runsQuery, runUrl, type RunView } from '../client/run-control';
import { listSchedules } from '../client/schedule-control';
import type { S3BridgeClient } from '../client/s3bridge-client';
import { CliFailure } from '../cli/command';
import type { Connection } from '../workflow-safe/connection';
import { connectionPolicies } from '../workflow-safe/policies/connection-policies';
import type { ValidationReport } from '../workflow-safe/validation/validation-report';
import { calendarDays } from './day-calendar';
import { failedWindows, pendingWindows, streamsOf } from './export-windows';
import { locationOf, type ConnectionDetail, type ConnectionSummary } from './pages/connections-page';
import type { DayDetail } from './pages/day-page';
import type { DestinationView, MigrationSummary } from './pages/exports-page';
import type { TableDetail } from './pages/tables-page';
import {
  dayRuns, exportReports, importReports, liveValidation, migrationReport, migrations, recentRuns, runFailure, runningDays, runningRuns, type LiveRun,
} from './temporal-reads';
import type { StatusRow, WarehouseReads } from './warehouse-reads';
import { parseStoredConfig, storedConnection } from '../catalog/connection-store';

/** Gathers what each page shows: the warehouse through `WarehouseReads`, the rest from Temporal. */
export class PageData {
  constructor(private readonly client: S3BridgeClient, private readonly settings: Settings, private readonly reads: WarehouseReads) {}

  private get temporal() {
    return this.client.temporal;
  }

  /** A run's page in the Temporal UI. */
  runUrl(workflowId: string): string {
    return runUrl(this.settings.temporalUiUrl, this.temporal.options.namespace, workflowId);
  }

  private scheduleUrl(scheduleId: string): string {
    return `${this.settings.temporalUiUrl}/namespaces/${encodeURIComponent(this.temporal.options.namespace)}/schedules/${encodeURIComponent(scheduleId)}`;
  }

  async connections(): Promise<ConnectionSummary[]> {
    const [stored, statuses] = await Promise.all([this.reads.connections(), this.reads.statuses()]);
    return stored.map((row) => {
      const status = statuses.find((s) => s.name === row.name);
      const parsed = parseStoredConfig(row.config);
      return {
        name: row.name, direction: row.direction, location: parsed.success ? locationOf(parsed.data) : '',
        status: status?.status ?? 'none', ...(status ? { validatedAt: status.updated_at } : {}), ...(status?.reason ? { reason: status.reason } : {}),
      };
    });
  }

  /** The stored connection; a missing one is an error naming it. */
  private async stored(name: string): Promise<{ connection: Connection; status?: StatusRow }> {
    const [stored, statuses] = await Promise.all([this.reads.connections(), this.reads.statuses()]);
    const row = stored.find((c) => c.name === name);
    if (!row) throw new CliFailure(`no connection named "${name}"; the Connections page lists them`);
    return { connection: storedConnection(row), status: statuses.find((s) => s.name === name) };
  }

  async connection(name: string): Promise<ConnectionDetail> {
    const { connection, status } = await this.stored(name);
    const [schedules, tables] = await Promise.all([
      listSchedules(this.temporal, this.client.workflowIdPrefix),
      connection.direction === 'source' ? this.reads.discoveredTables(name) : Promise.resolve([]),
    ]);
    let report = status ? JSON.parse(status.report) as ValidationReport : undefined;
    // While Processing, the running workflow knows more than the catalog's first row (as `connections show` does).
    if (status?.status === 'processing') report = (await liveValidation(this.client, name)) ?? report;
    return {
      connection, status: report?.status ?? status?.status ?? 'none',
      ...(status ? { validatedAt: report?.finishedAt ?? status.updated_at, validationUrl: this.runUrl(status.workflow_id) } : {}),
      ...(report ? { report } : {}),
      policies: connectionPolicies(connection),
      schedules: schedules.filter((s) => s.connection === name).map((s) => ({ ...s, url: this.scheduleUrl(s.scheduleId) })),
      tables: tables.length,
    };
  }

  async tables() {
    const [tables, drift, totals] = await Promise.all([this.reads.discoveredTables(), this.reads.drift(), this.reads.ledgerTotals()]);
    return { tables, drift, totals };
  }

  private async days(connection: string, table: string) {
    const [ledger, runs, reports, running] = await Promise.all([
      this.reads.ledgerDays(connection, table), dayRuns(this.client, connection, table),
      importReports(this.client, connection, table), runningDays(this.client, connection, table),
    ]);
    return calendarDays({ ledger, dayRuns: runs, reports, running });
  }

  async table(connection: string, table: string): Promise<TableDetail> {
    const [discovered, drift, days] = await Promise.all([
      this.reads.discoveredTables(connection), this.reads.drift(connection), this.days(connection, table),
    ]);
    const query = encodeURIComponent(runsQuery({ connection, table }));
    return {
      connection, table, days,
      ...(discovered.find((t) => t.name === table) ? { discovered: discovered.find((t) => t.name === table)! } : {}),
      ...(drift.find((d) => d.table_name === table) ? { drift: drift.find((d) => d.table_name === table)! } : {}),
      importUrl: `${this.settings.temporalUiUrl}/namespaces/${encodeURIComponent(this.temporal.options.namespace)}/workflows?query=${query}`,
    };
  }

  async day(connection: string, table: string, unit: string): Promise<DayDetail> {
    const [days, entries, rejects] = await Promise.all([
      this.days(connection, table), this.reads.ledgerDay(connection, table, unit), this.reads.rejects(connection, table, unit),
    ]);
    const day = days.find((d) => d.unit === unit);
    const error = day?.outcome === 'failed'
      ? (day.run && day.run.status !== 'COMPLETED' ? await runFailure(this.temporal, day.run) : undefined) ?? day.reason
      : undefined;
    return {
      connection, table, unit, entries, rejects,
      ...(day ? { day } : {}), ...(error ? { error } : {}), ...(day?.run ? { runUrl: this.runUrl(day.run.workflowId) } : {}),
    };
  }

  async runs(): Promise<{ running: LiveRun[]; recent: RunView[] }> {
    const [running, recent] = await Promise.all([runningRuns(this.client), recentRuns(this.client)]);
    return { running, recent };
  }

  async exports(): Promise<{ destinations: DestinationView[]; migrations: MigrationSummary[] }> {
    const [connections, states, ledger, running, found] = await Promise.all([
      this.connections(), this.reads.destinationStates(), this.reads.exportLedger(), runningRuns(this.client), migrations(this.client),
    ]);
    const destinations = await Promise.all(connections.filter((c) => c.direction === 'destination').map(async (c): Promise<DestinationView> => {
      const state = states.find((s) => s.name === c.name);
      const [reports, exported] = await Promise.all([exportReports(this.client, c.name), this.reads.exportedWindows(c.name)]);
      return {
        name: c.name, location: c.location, status: c.status, enabled: state?.enabled ?? true,
        ...(state?.reason ? { disabledReason: state.reason } : {}),
        streams: streamsOf(c.name, ledger),
        failed: failedWindows(reports, exported),
        pending: pendingWindows(running.filter((r) => r.run.kind === 'export' && r.run.connection === c.name)),
      };
    }));
    return { destinations, migrations: found };
  }

  async migration(from: string, to: string): Promise<{ run: RunView; report: NonNullable<MigrationSummary['report']> }> {
    const id = this.client.migrationWorkflowId(from, to);
    const run = await describeRun(this.temporal, id).catch(() => undefined);
    const report = run ? await migrationReport(this.temporal, run) : undefined;
    if (!run || !report) throw new CliFailure(`no migration from "${from}" to "${to}"; the Exports and migrations page lists them`);
    return { run, report };
  }
}
