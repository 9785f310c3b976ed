import type { DestinationConnection } from '../connection';
import { destinationLocation, destinationPlace } from './destination-location';
import { sourceFolder, type ExportFormat } from './export-layout';
import { clockOf, sourceIdOf, type ExportClock, type ParsedExportInput } from './export-input';

/** One export stream, resolved from the workflow input: what is read, how it is written, and where. */
export interface ExportSpec {
  table: string;
  timeColumn?: string;
  /** Which clock places a row in its window (a spec recorded before clocks existed has none: event time). */
  clock: ExportClock;
  format: ExportFormat;
  sourceId: string;
  maxFileBytes: number;
  /** The prefix the layout starts from: the connection's, or an override (the migration's test prefix). */
  prefix: string;
  /** A migration's test export (written under prefixOverride). */
  migrationTest?: true;
}

export function exportSpecOf(input: ParsedExportInput, destination: DestinationConnection): ExportSpec {
  return {
    table: input.table,
    ...(input.timeColumn ? { timeColumn: input.timeColumn } : {}),
    clock: clockOf(input),
    format: input.format,
    sourceId: sourceIdOf(input),
    maxFileBytes: input.maxFileBytes,
    prefix: input.prefixOverride ?? destination.prefix,
    ...(input.prefixOverride !== undefined ? { migrationTest: true as const } : {}),
  };
}

/**
 * The ledger's key of an export stream: destination, location, format, source and table, and
 * the clock when it is received time (streams by event time keep the key they had before clocks).
 */
export function exportKeyOf(destination: DestinationConnection, spec: ExportSpec): string {
  const key = `${destination.name}|${destinationLocation(destination, spec.prefix)}|${spec.format}|${spec.sourceId}|${spec.table}`;
  return spec.clock === 'received' ? `${key}|received` : key;
}

/** The folder a stream's files go under (`{prefix}/segment-logs/{source-id}` or `{prefix}/{dataset}`), and where that is (one string per place: the claim's key). */
export function streamPathOf(destination: DestinationConnection, spec: ExportSpec): { folder: string; location: string } {
  const folder = sourceFolder(spec.prefix, spec.format, spec.sourceId);
  return { folder, location: destinationPlace(destination, folder) };
}
