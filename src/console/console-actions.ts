import { WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import type { Settings } from '../config/settings';
import { listRuns, runsQuery } from '../client/run-control';
import type { S3BridgeClient } from '../client/s3bridge-client';
import { startResetTable } from '../client/warehouse-client';
import { CliFailure, UsageError } from '../cli/command';
import { withCatalog, type CatalogSession } from '../client/with-catalog';
import { withGeneratedExternalId } from '../client/external-id';
import { Connection } from '../workflow-safe/connection';
import type { ImportInput } from '../workflow-safe/import/import-input';
import type { ResetTableResult } from '../workflow-safe/inputs/warehouse-maintenance-input';
import { lastDayInput } from './temporal-reads';
import { awaitWorkerRun, requireLiveWorker } from './worker-runs';

/**
 * What the console's buttons do: the same client calls as the CLI's commands (named beside each),
 * so they take the same inputs, check them the same way and fail with the same messages.
 */
export class ConsoleActions {
  constructor(
    private readonly client: S3BridgeClient,
    private readonly settings: Settings,
    private readonly catalog: CatalogSession = (fn) => withCatalog(settings, fn),
  ) {}

  /** `connections add`: parse, store in the catalog, then (unless told not to) start its validation. */
  async addConnection(json: string, validate: boolean): Promise<{ name: string; validation?: WorkflowHandle }> {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch (error) {
      throw new UsageError(`the connection is not valid JSON: ${(error as Error).message}`);
    }
    // An assume-role connection without an external ID gets a generated one, as `connections add` does.
    const connection = Connection.parse(withGeneratedExternalId(raw).connection);
    await this.catalog((catalog) => catalog.saveConnection(connection));
    if (!validate) return { name: connection.name };
    return { name: connection.name, validation: await this.validate(connection.name) };
  }

  /** `connections validate`: one validation per connection at a time (a second start joins the running one). */
  validate(name: string): Promise<WorkflowHandle> {
    return this.client.startValidateConnection({ connection: name });
  }

  /** `discover`. */
  discover(name: string): Promise<WorkflowHandle> {
    return this.client.startDiscoverSchema({ connection: name });
  }

  /** `import`: the table's import under its own ID; a running one is named, not joined. */
  async importTable(input: ImportInput, idSuffix = ''): Promise<WorkflowHandle> {
    return this.client.startImport(input, idSuffix).catch((error: unknown) => {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        throw new CliFailure(`an import with ID ${error.workflowId} is already running; the Runs page follows it`);
      }
      throw error;
    });
  }

  /**
   * Re-imports one day (`import --days D..D --reload`, beside any running import of the table, as
   * `backfill` runs), with the mapping and policies the day last ran with.
   */
  async reimportDay(connection: string, table: string, unit: string): Promise<WorkflowHandle> {
    const previous = await lastDayInput(this.client, connection, table, unit);
    const input: ImportInput = {
      connection, table, days: unit === 'all' ? 'all' : { from: unit, to: unit }, reload: true,
      ...(previous?.mapping ? { mapping: previous.mapping } : {}),
      ...(previous?.errorPolicy ? { errorPolicy: previous.errorPolicy } : {}),
      ...(previous?.driftPolicy ? { driftPolicy: previous.driftPolicy } : {}),
    };
    return this.importTable(input, `-reimport-${unit}`);
  }

  /** `tables approve-drift`: recorded in the catalog, then every running import of the table is signalled. */
  async approveDrift(connection: string, table: string): Promise<string[]> {
    await requireLiveWorker(this.client);
    return (await this.client.approveTableDrift({ connection, table })).signalled;
  }

  /** `tables reset --yes`: refused while the table is being imported; the confirmation is the table's name typed again. */
  async resetTable(connection: string, table: string, confirmation: string): Promise<ResetTableResult> {
    if (confirmation !== table) throw new UsageError(`type the table's name, ${table}, to confirm: a reset deletes every imported row of ${connection}/${table}`);
    const running = await listRuns(this.client.temporal, runsQuery({ connection, table, status: 'Running' }), 5);
    if (running.length > 0) throw new CliFailure(`${connection}/${table} is being imported (${running.map((r) => r.workflowId).join(', ')}); cancel it first`);
    return awaitWorkerRun<ResetTableResult>(this.client, await startResetTable(this.client, { connection, table }), { terminateWhenLate: false });
  }

  /** `migrate approve | refuse`: an Update that says whether the workflow accepted it. */
  async answerMigration(from: string, to: string, approve: boolean, by: string | undefined, note: string | undefined): Promise<string> {
    const result = await this.client.approveMigration(from, to, { approve, ...(by ? { by } : {}), ...(note ? { note } : {}) });
    if (!result.accepted) throw new CliFailure(`not accepted: ${result.message}`);
    return result.message;
  }

  /** `migrate pause | resume | abort`. */
  async controlMigration(from: string, to: string, control: 'pause' | 'resume' | 'abort', reason?: string): Promise<void> {
    if (control === 'pause') await this.client.pauseMigration(from, to);
    else if (control === 'resume') await this.client.resumeMigration(from, to);
    else await this.client.abortMigration(from, to, reason);
  }
}
