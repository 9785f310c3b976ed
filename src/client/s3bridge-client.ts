import {
  ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions, type ScheduleOptionsAction, type WorkflowHandle,
} from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import type { Settings } from '../config/settings';
import { connectionName } from '../workflow-safe/connection';
import { CheckSetupInput, type CheckSetupResult } from '../workflow-safe/inputs/check-setup-input';
import { DiscoverSchemaInput, ApproveTableDriftInput, ScheduleResyncInput } from '../workflow-safe/inputs/discover-schema-input';
import type { DiscoveryReport } from '../workflow-safe/discovery/discovery-report';
import type { TableDrift } from '../workflow-safe/catalog/discovered-table';
import { ValidateConnectionInput } from '../workflow-safe/inputs/validate-connection-input';
import { ScheduleConnectionValidationInput } from '../workflow-safe/inputs/schedule-connection-validation-input';
import type { ValidationReport } from '../workflow-safe/validation/validation-report';
import { approveTableDrift, checkSetup, discoverSchema, exportTable, importTable, migrateDestination, validateConnection } from '../../workflows';
import {
  abortMigrationSignal, approveDriftSignal, approveMigrationUpdate, connectionValidationQuery, migrationStateQuery,
  pauseMigrationSignal, resumeMigrationSignal,
} from '../../workflows/definitions';
import { ExportInput, type ExportReport } from '../workflow-safe/export/export-input';
import { ScheduleExportInput } from '../workflow-safe/export/schedule-export-input';
import { MigrateDestinationInput, type MigrationApproval, type MigrationApprovalResult, type MigrationReport } from '../workflow-safe/export/migration';
import { ImportInput, type ImportReport } from '../workflow-safe/import/import-input';
import { ScheduleImportInput } from '../workflow-safe/import/schedule-import-input';
import {
  approveDriftWorkflowId, checkSetupWorkflowId, discoveryWorkflowId, exportWorkflowId, importWorkflowId, migrationWorkflowId,
  resyncScheduleId, validationWorkflowId,
} from '../workflow-safe/workflow-ids';

/**
 * The typed way to start s3bridge workflows from code. Inputs are parsed with the same zod
 * schemas the workflows use, so a bad input fails here, before anything is started.
 */
export class S3BridgeClient {
  constructor(
    readonly temporal: Client,
    readonly settings: Pick<Settings, 'taskQueue'>,
    readonly workflowIdPrefix = '',
  ) {}

  /**
   * Creates a Temporal Schedule, or updates the one with the same ID in place, so re-running a
   * command changes its spec and action while its history, paused state and note survive.
   */
  private async replaceSchedule<A extends ScheduleOptionsAction>(options: ScheduleOptions<A>): Promise<string> {
    const handle = this.temporal.schedule.getHandle(options.scheduleId);
    try {
      await handle.update((previous) => ({
        ...previous,
        spec: options.spec,
        action: options.action,
        policies: { ...previous.policies, ...options.policies },
        state: { paused: previous.state.paused, note: previous.state.note },
      }));
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      await this.temporal.schedule.create(options);
    }
    return options.scheduleId;
  }

  /** Starts the smoke test (list a bucket, read one Parquet object) and returns its handle. */
  async startCheckSetup(input: CheckSetupInput): Promise<WorkflowHandle<typeof checkSetup>> {
    const parsed = CheckSetupInput.parse(input);
    return this.temporal.workflow.start(checkSetup, {
      taskQueue: this.settings.taskQueue,
      workflowId: checkSetupWorkflowId(connectionName(parsed.connection), randomUUID().slice(0, 8), this.workflowIdPrefix),
      args: [input],
    });
  }

  async checkSetup(input: CheckSetupInput): Promise<CheckSetupResult> {
    return (await this.startCheckSetup(input)).result();
  }

  /** The ID of a connection's validation workflow: one validation per connection at a time. */
  validationWorkflowId(connection: string): string {
    return validationWorkflowId(connection, this.workflowIdPrefix);
  }

  /** Starts validating a connection (or joins the validation already running) and returns its handle. */
  async startValidateConnection(input: ValidateConnectionInput): Promise<WorkflowHandle<typeof validateConnection>> {
    const parsed = ValidateConnectionInput.parse(input);
    return this.temporal.workflow.start(validateConnection, {
      taskQueue: this.settings.taskQueue,
      workflowId: this.validationWorkflowId(connectionName(parsed.connection)),
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [input],
      staticSummary: `validate connection ${connectionName(parsed.connection)}`,
    });
  }

  /** Validates a connection and returns its report (status Active or Failed). */
  async validateConnection(input: ValidateConnectionInput): Promise<ValidationReport> {
    return (await this.startValidateConnection(input)).result();
  }

  /** The report of a validation while it runs (or the last one the workflow kept), by query. */
  async queryConnectionValidation(connection: string): Promise<ValidationReport> {
    return this.temporal.workflow.getHandle(this.validationWorkflowId(connection)).query(connectionValidationQuery);
  }

  /** Creates (or replaces) a Temporal Schedule that re-validates the connection periodically; returns its ID. */
  async scheduleConnectionValidation(input: ScheduleConnectionValidationInput): Promise<string> {
    const parsed = ScheduleConnectionValidationInput.parse(input);
    const name = connectionName(parsed.connection);
    return this.replaceSchedule({
      scheduleId: this.validationWorkflowId(name),
      spec: { intervals: [{ every: parsed.every as Duration }] },
      action: {
        type: 'startWorkflow',
        workflowType: validateConnection,
        args: [{ connection: parsed.connection }],
        taskQueue: this.settings.taskQueue,
        workflowId: this.validationWorkflowId(name),
        staticSummary: `scheduled validation of connection ${name}`,
      },
      // A validation still running when the next is due makes the next one pointless.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      memo: { connection: name, s3bridge: 'validation' },
    });
  }

  /** The ID of a connection's discovery workflow: one discovery (or resync) per connection at a time. */
  discoveryWorkflowId(connection: string): string {
    return discoveryWorkflowId(connection, this.workflowIdPrefix);
  }

  /** Starts discovering a source connection's tables (or joins the discovery already running). */
  async startDiscoverSchema(input: DiscoverSchemaInput): Promise<WorkflowHandle<typeof discoverSchema>> {
    const parsed = DiscoverSchemaInput.parse(input);
    return this.temporal.workflow.start(discoverSchema, {
      taskQueue: this.settings.taskQueue,
      workflowId: this.discoveryWorkflowId(connectionName(parsed.connection)),
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [input],
      staticSummary: `discover the tables of ${connectionName(parsed.connection)}`,
    });
  }

  /** Discovers (or resyncs) a connection and returns the report with the diff against the previous discovery. */
  async discoverSchema(input: DiscoverSchemaInput): Promise<DiscoveryReport> {
    return (await this.startDiscoverSchema(input)).result();
  }

  /** Creates (or replaces) a Temporal Schedule that resyncs the connection every `every`; returns its ID. */
  async scheduleResync(input: ScheduleResyncInput): Promise<string> {
    const parsed = ScheduleResyncInput.parse(input);
    return this.replaceSchedule({
      scheduleId: resyncScheduleId(parsed.connection, this.workflowIdPrefix),
      spec: { intervals: [{ every: parsed.every as Duration }] },
      action: {
        type: 'startWorkflow',
        workflowType: discoverSchema,
        args: [{ connection: parsed.connection }],
        taskQueue: this.settings.taskQueue,
        workflowId: this.discoveryWorkflowId(parsed.connection),
        staticSummary: `scheduled resync of ${parsed.connection}'s tables`,
      },
      // A resync still running when the next is due makes the next one pointless.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      memo: { connection: parsed.connection, s3bridge: 'resync' },
    });
  }

  /**
   * Approves a table's held schema change: recorded in the catalog (by a workflow, so the
   * worker that owns the catalog file writes it), then every running import of that table
   * (workflow IDs `import-<connection>-<table>...`) is signalled. Returns the signalled IDs.
   */
  async approveTableDrift(input: ApproveTableDriftInput): Promise<{ drift: TableDrift; signalled: string[] }> {
    const parsed = ApproveTableDriftInput.parse(input);
    const drift = await this.temporal.workflow.execute(approveTableDrift, {
      taskQueue: this.settings.taskQueue,
      workflowId: approveDriftWorkflowId(parsed.connection, parsed.table, randomUUID().slice(0, 8), this.workflowIdPrefix),
      args: [parsed],
    });
    const prefix = this.importWorkflowId(parsed.connection, parsed.table);
    const signalled: string[] = [];
    const running = this.temporal.workflow.list({ query: `WorkflowId STARTS_WITH ${JSON.stringify(prefix)} AND ExecutionStatus = "Running"` });
    for await (const execution of running) {
      // `import-c-t2` starts with `import-c-t` too: only the table itself or its per-day children.
      const rest = execution.workflowId.slice(prefix.length);
      // `import-c-t-x~<hash>` is table `t-x`'s: a `~` past the prefix belongs to another table.
      if ((rest !== '' && !rest.startsWith('-')) || rest.includes('~')) continue;
      await this.temporal.workflow.getHandle(execution.workflowId).signal(approveDriftSignal, { connection: parsed.connection, table: parsed.table });
      signalled.push(execution.workflowId);
    }
    return { drift, signalled };
  }

  /** The ID of a table's import: one import per table at a time; its days run as `<id>-<day>`. */
  importWorkflowId(connection: string, table: string): string {
    return importWorkflowId(connection, table, this.workflowIdPrefix);
  }

  /** Starts importing a discovered table and returns the handle (its result is the per-day report). */
  async startImport(input: ImportInput, idSuffix = ''): Promise<WorkflowHandle<typeof importTable>> {
    const parsed = ImportInput.parse(input);
    return this.temporal.workflow.start(importTable, {
      taskQueue: this.settings.taskQueue,
      workflowId: `${this.importWorkflowId(connectionName(parsed.connection), parsed.table)}${idSuffix}`,
      args: [input],
      staticSummary: `import ${connectionName(parsed.connection)}/${parsed.table}: ${typeof parsed.days === 'string' ? `${parsed.days} days` : `${parsed.days.from}..${parsed.days.to}`}, ${parsed.mapping.mode} mapping`,
    });
  }

  /** Imports a table (the days the input selects) and returns the per-day report. */
  async importTable(input: ImportInput): Promise<ImportReport> {
    return (await this.startImport(input)).result();
  }

  /**
   * Imports a historical range of days, beside any scheduled import of the same table: the
   * run has its own ID, its days share the table's day IDs, so no day is loaded twice at once.
   */
  async backfill(input: ImportInput & { days: { from: string; to: string } }): Promise<ImportReport> {
    const parsed = ImportInput.parse(input);
    const range = parsed.days as { from: string; to: string };
    return (await this.startImport(input, `-backfill-${range.from}-${range.to}`)).result();
  }

  /**
   * Creates (or replaces) the daily Schedule of an import: it runs at hour:minute UTC, after the
   * previous day closed, imports new and changed days, skips a run while one is still going,
   * and catches up missed runs within the window. Returns the schedule ID.
   */
  async scheduleImport(input: ScheduleImportInput): Promise<string> {
    const parsed = ScheduleImportInput.parse(input);
    const table = parsed.import.table;
    const scheduleId = this.importWorkflowId(connectionName(parsed.import.connection), table);
    return this.replaceSchedule({
      scheduleId,
      spec: { calendars: [{ hour: parsed.hour, minute: parsed.minute }], ...(parsed.timezone ? { timezone: parsed.timezone } : {}) },
      action: {
        type: 'startWorkflow',
        workflowType: importTable,
        args: [{ ...input.import, days: 'new-and-changed' }],
        taskQueue: this.settings.taskQueue,
        workflowId: scheduleId,
        staticSummary: `scheduled import of ${connectionName(parsed.import.connection)}/${table}: new and changed days`,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: parsed.catchupWindow as Duration },
      memo: { connection: connectionName(parsed.import.connection), table, s3bridge: 'import' },
    });
  }

  /** The ID of an export stream's runs: one run per destination and source at a time (a Schedule's too). */
  exportWorkflowId(destination: string, sourceId: string): string {
    return exportWorkflowId(destination, sourceId, this.workflowIdPrefix);
  }

  private exportIdOf(input: ExportInput): string {
    const parsed = ExportInput.parse(input);
    const sourceId = parsed.sourceId ?? parsed.table.slice(parsed.table.indexOf('.') + 1);
    return this.exportWorkflowId(connectionName(parsed.destination), sourceId);
  }

  /** Starts an export (scheduled windows, or a range) and returns its handle. */
  async startExport(input: ExportInput, idSuffix = ''): Promise<WorkflowHandle<typeof exportTable>> {
    return this.temporal.workflow.start(exportTable, {
      taskQueue: this.settings.taskQueue,
      workflowId: `${this.exportIdOf(input)}${idSuffix}`,
      args: [input],
      staticSummary: `export ${ExportInput.parse(input).table} to ${connectionName(ExportInput.parse(input).destination)}`,
    });
  }

  /** Exports a table to a destination and returns the per-window report. */
  async exportTable(input: ExportInput): Promise<ExportReport> {
    return (await this.startExport(input)).result();
  }

  /** Exports a range of windows under its own workflow ID, beside the scheduled export of the same destination. */
  async backfillExport(input: ExportInput & { windows: { from: string; to: string } }): Promise<ExportReport> {
    ExportInput.parse(input);
    const id = `-backfill-${input.windows.from}-${input.windows.to}`.replace(/[^A-Za-z0-9_-]/g, '');
    return (await this.startExport(input, id)).result();
  }

  /**
   * Creates (or replaces) the hourly Schedule of an export: every hour at :minute (default :40)
   * it exports the window that just closed, missed windows and windows with late rows; a run
   * still going skips the next. Returns the schedule ID.
   */
  async scheduleExport(input: ScheduleExportInput): Promise<string> {
    const parsed = ScheduleExportInput.parse(input);
    const scheduleId = this.exportIdOf(input.export);
    return this.replaceSchedule({
      scheduleId,
      spec: { intervals: [{ every: '1 hour', offset: `${parsed.minute} minutes` }] },
      action: {
        type: 'startWorkflow',
        workflowType: exportTable,
        args: [{ ...input.export, windows: 'scheduled' }],
        taskQueue: this.settings.taskQueue,
        workflowId: scheduleId,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: parsed.catchupWindow as Duration },
      memo: { destination: connectionName(parsed.export.destination) },
    });
  }

  /** The ID of a migration: one per pair of destinations at a time. */
  migrationWorkflowId(from: string, to: string): string {
    return migrationWorkflowId(from, to, this.workflowIdPrefix);
  }

  async startMigrateDestination(input: MigrateDestinationInput): Promise<WorkflowHandle<typeof migrateDestination>> {
    const parsed = MigrateDestinationInput.parse(input);
    return this.temporal.workflow.start(migrateDestination, {
      taskQueue: this.settings.taskQueue,
      workflowId: this.migrationWorkflowId(parsed.from, parsed.to),
      args: [input],
      staticSummary: `migrate exports from ${parsed.from} to ${parsed.to}`,
    });
  }

  /** Runs a destination migration to its end (completed or rolled back) and returns the report. */
  async migrateDestination(input: MigrateDestinationInput): Promise<MigrationReport> {
    return (await this.startMigrateDestination(input)).result();
  }

  /** A migration's step, status and findings so far. */
  async queryMigration(from: string, to: string): Promise<MigrationReport> {
    return this.temporal.workflow.getHandle(this.migrationWorkflowId(from, to)).query(migrationStateQuery);
  }

  async pauseMigration(from: string, to: string): Promise<void> {
    await this.temporal.workflow.getHandle(this.migrationWorkflowId(from, to)).signal(pauseMigrationSignal);
  }

  async resumeMigration(from: string, to: string): Promise<void> {
    await this.temporal.workflow.getHandle(this.migrationWorkflowId(from, to)).signal(resumeMigrationSignal);
  }

  async abortMigration(from: string, to: string, reason?: string): Promise<void> {
    await this.temporal.workflow.getHandle(this.migrationWorkflowId(from, to)).signal(abortMigrationSignal, reason ? { reason } : {});
  }

  /** Approves (or refuses) a migration's switch; the answer says whether the workflow accepted it. */
  async approveMigration(from: string, to: string, approval: MigrationApproval): Promise<MigrationApprovalResult> {
    return this.temporal.workflow.getHandle(this.migrationWorkflowId(from, to)).executeUpdate(approveMigrationUpdate, { args: [approval] });
  }
}
