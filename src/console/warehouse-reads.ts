import type { Settings } from '../config/settings';
import type { S3BridgeClient } from '../client/s3bridge-client';
import { startQueryWarehouse } from '../client/warehouse-client';
import { quoteLiteral } from '../duckdb/sql';
import { CATALOG_DB } from '../lake/shared-duckdb';
import type { QueryWarehouseResult } from '../workflow-safe/inputs/warehouse-maintenance-input';
import { awaitWorkerRun, requireLiveWorker } from './worker-runs';

/**
 * Every warehouse read of the console, in one module: plain SELECTs over s3bridge's own tables
 * (the catalog and the import's bookkeeping), run through the read path `s3bridge sql` uses (a
 * `queryWarehouse` workflow the worker runs), so the console never opens the warehouse file and
 * works beside a worker that holds it, and with the shared store.
 */

/** Catalog tables: in the warehouse file (embedded), in the attached Postgres catalog (shared). */
function catalog(settings: Pick<Settings, 'store'>, table: string): string {
  return settings.store === 'shared' ? `${CATALOG_DB}.s3bridge.${table}` : `s3bridge.${table}`;
}

const iso = (column: string) => `strftime(${column} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')`;

/** The SQL text of each read, so tests and docs/console.md can show exactly what the console asks. */
const consoleSql = {
  connections: (s: Pick<Settings, 'store'>) => `SELECT c.name, c.direction, c.config::VARCHAR AS config FROM ${catalog(s, 'connections')} c ORDER BY c.name`,
  statuses: (s: Pick<Settings, 'store'>) => `SELECT name, status, ${iso('updated_at')} AS updated_at, reason, report::VARCHAR AS report, workflow_id
    FROM ${catalog(s, 'connection_status')} ORDER BY name`,
  discoveredTables: (s: Pick<Settings, 'store'>, connection?: string) => `SELECT connection, name, descriptor->>'layout' AS layout,
      descriptor->>'format' AS format, (descriptor->>'fileCount')::BIGINT AS file_count, (descriptor->>'totalBytes')::BIGINT AS total_bytes,
      descriptor->>'dayKey' AS day_key, ${iso('discovered_at')} AS discovered_at
    FROM ${catalog(s, 'discovered_tables')}${connection !== undefined ? ` WHERE connection = ${quoteLiteral(connection)}` : ''} ORDER BY connection, name`,
  drift: (s: Pick<Settings, 'store'>, connection?: string) => `SELECT connection, name AS table_name, status, diff::VARCHAR AS diff, ${iso('detected_at')} AS detected_at
    FROM ${catalog(s, 'table_drift')}${connection !== undefined ? ` WHERE connection = ${quoteLiteral(connection)}` : ''} ORDER BY connection, name`,
  ledgerTotals: () => `SELECT connection, table_name, count(DISTINCT unit) AS days, sum(row_count) AS rows, sum(rejected_rows) AS rejected_rows,
      max(unit) FILTER (WHERE day IS NOT NULL) AS last_day, ${iso('max(loaded_at)')} AS last_loaded_at
    FROM s3bridge.load_ledger GROUP BY connection, table_name ORDER BY connection, table_name`,
  ledgerDays: (connection: string, table: string) => `SELECT unit, day::VARCHAR AS day, target, row_count AS rows, rejected_rows, file_count AS files,
      bytes, load_id, ${iso('loaded_at')} AS loaded_at
    FROM s3bridge.load_ledger WHERE connection = ${quoteLiteral(connection)} AND table_name = ${quoteLiteral(table)} ORDER BY unit, loaded_at`,
  ledgerDay: (connection: string, table: string, unit: string) => `SELECT unit, target, row_count AS rows, rejected_rows, file_count AS files, bytes,
      load_id, files::VARCHAR AS files_json, ${iso('loaded_at')} AS loaded_at, loaded_by
    FROM s3bridge.load_ledger WHERE connection = ${quoteLiteral(connection)} AND table_name = ${quoteLiteral(table)} AND unit = ${quoteLiteral(unit)}
    ORDER BY loaded_at DESC`,
  rejects: (connection: string, table: string, unit: string) => `SELECT source_key, row_number, column_name, reason, raw, target
    FROM s3bridge.rejects WHERE connection = ${quoteLiteral(connection)} AND table_name = ${quoteLiteral(table)} AND unit = ${quoteLiteral(unit)}
    ORDER BY source_key, row_number`,
  exportLedger: (s: Pick<Settings, 'store'>) => `SELECT export_key, count(*) AS windows, sum(row_count) AS rows, sum(bytes) AS bytes,
      min(window_start) AS first_window, max(window_start) AS last_window, ${iso('max(exported_at)')} AS last_exported_at
    FROM ${catalog(s, 'export_ledger')} GROUP BY export_key ORDER BY export_key`,
  exportedWindows: (s: Pick<Settings, 'store'>, destination: string) => `SELECT export_key, window_start, row_count AS rows, ${iso('exported_at')} AS exported_at
    FROM ${catalog(s, 'export_ledger')} WHERE starts_with(export_key, ${quoteLiteral(`${destination}|`)})
    ORDER BY window_start DESC`,
  destinationStates: (s: Pick<Settings, 'store'>) => `SELECT name, enabled, reason FROM ${catalog(s, 'destinations')} ORDER BY name`,
};

export interface ConnectionRow { name: string; direction: 'source' | 'destination'; config: string }
export interface StatusRow { name: string; status: 'processing' | 'active' | 'failed'; updated_at: string; reason: string | null; report: string; workflow_id: string }
export interface DiscoveredTableRow {
  connection: string; name: string; layout: string; format: string; file_count: number; total_bytes: number; day_key: string | null; discovered_at: string;
}
export interface DriftRow { connection: string; table_name: string; status: 'pending' | 'approved'; diff: string; detected_at: string }
export interface LedgerTotalsRow { connection: string; table_name: string; days: number; rows: number; rejected_rows: number; last_day: string | null; last_loaded_at: string }
export interface LedgerDayRow {
  unit: string; day: string | null; target: string; rows: number; rejected_rows: number; files: number; bytes: number; load_id: string; loaded_at: string;
}
export interface LedgerEntryRow {
  unit: string; target: string; rows: number; rejected_rows: number; files: number; bytes: number; load_id: string; files_json: string; loaded_at: string;
  loaded_by: string | null;
}
export interface RejectRow { source_key: string; row_number: number | null; column_name: string | null; reason: string; raw: string | null; target: string | null }
export interface ExportLedgerRow { export_key: string; windows: number; rows: number; bytes: number; first_window: number; last_window: number; last_exported_at: string }
export interface ExportedWindowRow { export_key: string; window_start: number; rows: number; exported_at: string }
export interface DestinationStateRow { name: string; enabled: boolean; reason: string | null }

/** BIGINT and DECIMAL arrive as strings: numbers for the pages (counts and bytes fit). */
function numbersIn<T>(rows: Record<string, unknown>[], columns: string[]): T[] {
  return rows.map((row) => {
    const out: Record<string, unknown> = { ...row };
    for (const column of columns) if (out[column] !== null && out[column] !== undefined) out[column] = Number(out[column]);
    return out as T;
  });
}

/**
 * Catalog tables appear when first used (the first connection, validation, discovery, export):
 * before that, a read of them means "none yet", not an error.
 */
function missingTable(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    // DuckDB's binder, or the sql gate (src/warehouse/query-tree.ts), which refuses a name the warehouse does not hold.
    if (/Table with name \S+ does not exist| is not a table of the warehouse/.test(e.message)) return true;
  }
  return false;
}

const ROWS = 10_000;

/** The console's reads of the warehouse, each one `queryWarehouse` run on the worker. */
export class WarehouseReads {
  constructor(private readonly client: S3BridgeClient, private readonly settings: Pick<Settings, 'store' | 'taskQueue'>) {}

  private async rows(sql: string, { orNone = false } = {}): Promise<Record<string, unknown>[]> {
    // Before starting: a read nobody runs would wait in the queue.
    await requireLiveWorker(this.client);
    try {
      const handle = await startQueryWarehouse(this.client, { sql, limit: ROWS });
      const result = await awaitWorkerRun<QueryWarehouseResult>(this.client, handle);
      return result.rows;
    } catch (error) {
      if (orNone && missingTable(error)) return [];
      throw error;
    }
  }

  async connections(): Promise<ConnectionRow[]> {
    return (await this.rows(consoleSql.connections(this.settings), { orNone: true })) as unknown as ConnectionRow[];
  }

  async statuses(): Promise<StatusRow[]> {
    return (await this.rows(consoleSql.statuses(this.settings), { orNone: true })) as unknown as StatusRow[];
  }

  async discoveredTables(connection?: string): Promise<DiscoveredTableRow[]> {
    return numbersIn(await this.rows(consoleSql.discoveredTables(this.settings, connection), { orNone: true }), ['file_count', 'total_bytes']);
  }

  async drift(connection?: string): Promise<DriftRow[]> {
    return (await this.rows(consoleSql.drift(this.settings, connection), { orNone: true })) as unknown as DriftRow[];
  }

  async ledgerTotals(): Promise<LedgerTotalsRow[]> {
    return numbersIn(await this.rows(consoleSql.ledgerTotals()), ['days', 'rows', 'rejected_rows']);
  }

  async ledgerDays(connection: string, table: string): Promise<LedgerDayRow[]> {
    return numbersIn(await this.rows(consoleSql.ledgerDays(connection, table)), ['rows', 'rejected_rows', 'files', 'bytes']);
  }

  async ledgerDay(connection: string, table: string, unit: string): Promise<LedgerEntryRow[]> {
    return numbersIn(await this.rows(consoleSql.ledgerDay(connection, table, unit)), ['rows', 'rejected_rows', 'files', 'bytes']);
  }

  async rejects(connection: string, table: string, unit: string): Promise<RejectRow[]> {
    return numbersIn(await this.rows(consoleSql.rejects(connection, table, unit)), ['row_number']);
  }

  async exportLedger(): Promise<ExportLedgerRow[]> {
    return numbersIn(await this.rows(consoleSql.exportLedger(this.settings), { orNone: true }), ['windows', 'rows', 'bytes', 'first_window', 'last_window']);
  }

  async exportedWindows(destination: string): Promise<ExportedWindowRow[]> {
    return numbersIn(await this.rows(consoleSql.exportedWindows(this.settings, destination), { orNone: true }), ['window_start', 'rows']);
  }

  async destinationStates(): Promise<DestinationStateRow[]> {
    return (await this.rows(consoleSql.destinationStates(this.settings), { orNone: true })) as unknown as DestinationStateRow[];
  }
}
