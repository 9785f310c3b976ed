import type { DestinationConnection } from '../connection';
import { destinationLocation } from './destination-location';
import type { ExportFormat } from './export-layout';
import type { ParsedExportInput } from './export-input';

/** One export stream, resolved from the workflow input: what is read, how it is written, and where. */
export interface ExportSpec {
  table: string;
  timeColumn?: string;
  format: ExportFormat;
  sourceId: string;
  maxFileBytes: number;
  /** The prefix the layout starts from: the connection's, or an override (the migration's test prefix). */
  prefix: string;
}

export function exportSpecOf(input: ParsedExportInput, destination: DestinationConnection): ExportSpec {
  return {
    table: input.table,
    ...(input.timeColumn ? { timeColumn: input.timeColumn } : {}),
    format: input.format,
    sourceId: input.sourceId ?? input.table.slice(input.table.indexOf('.') + 1).replace(/[^A-Za-z0-9_-]/g, '_'),
    maxFileBytes: input.maxFileBytes,
    prefix: input.prefixOverride ?? destination.prefix,
  };
}

/** The ledger's key of an export stream: destination, location, format, source and table. */
export function exportKeyOf(destination: DestinationConnection, spec: ExportSpec): string {
  return `${destination.name}|${destinationLocation(destination, spec.prefix)}|${spec.format}|${spec.sourceId}|${spec.table}`;
}
