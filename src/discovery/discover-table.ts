import type { DuckDBInstance } from '@duckdb/node-api';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DiscoveredTable, FileFormat } from '../workflow-safe/catalog/discovered-table';
import type { SourceConnection } from '../workflow-safe/connection';
import type { DiscoveryProblem } from '../workflow-safe/discovery/discovery-problem';
import { expectedMagic, gzippedFormat } from '../workflow-safe/formats/file-format';
import type { ListedObject } from '../workflow-safe/discovery/listed-object';
import { mergeColumns, type FileColumns } from '../workflow-safe/discovery/merge-columns';
import { analyzeTableLayout } from '../workflow-safe/discovery/table-layout';
import { chooseTableFormat } from '../workflow-safe/discovery/table-format';
import type { StagedResult, TableCandidate } from '../catalog/discovery-staging-store';
import { listAllObjects } from './list-objects';
import { readerFor } from '../formats';
import { classifyDuckDBReadError } from '../duckdb/classify-read-error';
import { scrubValues } from '../workflow-safe/excerpt';
import { sniffFile } from './sniff-file';
import { s3ObjectUrl } from '../duckdb/s3-session';
import { ApplicationFailure } from '@temporalio/common';
import { S3_NO_SUCH_KEY } from '../workflow-safe/failure-types';

export interface DiscoverTableInput {
  s3: S3Client;
  /** An in-memory DuckDB with httpfs loaded and the connection's S3 secret. */
  duckdb: DuckDBInstance;
  connection: SourceConnection;
  candidate: TableCandidate;
  sampleFiles: number;
  discoveredAt: string;
  onProgress?: (listed: number) => void;
}

/** The N most recent files (ties broken by key, newest name first), the ones schema inference reads. */
function mostRecent(files: ListedObject[], n: number): ListedObject[] {
  return [...files].sort((a, b) => b.lastModified - a.lastModified || b.key.localeCompare(a.key)).slice(0, n);
}

/**
 * Discovers one table folder: lists it, reads its layout and format, confirms the format by
 * magic bytes on a sample of files, and has DuckDB infer the sample's columns.
 */
export async function discoverTable(input: DiscoverTableInput): Promise<StagedResult> {
  const { s3, duckdb, connection, candidate, sampleFiles } = input;
  const objects = await listAllObjects(s3, connection.bucket, candidate.prefix, input.onProgress);
  const counts = { objects: objects.length, bytes: objects.reduce((n, o) => n + o.size, 0) };
  const skip = (reason: string): StagedResult => ({ name: candidate.name, status: 'skipped', reason, ...counts });

  const layout = analyzeTableLayout({ objects, partitioning: connection.partitioning, segmentSource: candidate.segmentSource });
  if (layout.dataFiles.length === 0) {
    const ignored = layout.problems.find((p) => p.kind === 'ignored-files');
    return skip(`empty table: no data files${ignored ? ` (${ignored.message})` : ''}`);
  }
  if (connection.partitioning === 'all' && !layout.partitioned) {
    return skip('not partitioned: the connection says all tables are partitioned, and this table has no partition folders');
  }
  const chosen = chooseTableFormat({ dataFiles: layout.dataFiles, connectionFormat: connection.format, segmentSource: candidate.segmentSource });
  if (!chosen.format) return skip(`no data files with a known format: ${chosen.problems.map((p) => p.message).join('; ')}`);
  const problems: DiscoveryProblem[] = [...layout.problems, ...chosen.problems];

  let format: FileFormat | undefined = chosen.format === 'gz' ? undefined : chosen.format;
  const sample = mostRecent(chosen.files, sampleFiles);
  const read: FileColumns[] = [];
  const unreadable: { key: string; error: string }[] = [];
  const db = await duckdb.connect();
  try {
    for (const file of sample) {
      let sniffed;
      try {
        sniffed = await sniffFile(s3, connection.bucket, candidate.prefix + file.key);
      } catch (error) {
        // A file gone since the listing is this file's problem; a missing permission stays the run's.
        if (!(error instanceof ApplicationFailure) || error.type !== S3_NO_SUCH_KEY) throw error;
        unreadable.push({ key: file.key, error: 'the object is gone (deleted or renamed since it was listed)' });
        continue;
      }
      // A bare `.gz` table is CSV or NDJSON as its first readable sample says.
      if (!format && sniffed.magic === 'gzip' && sniffed.text) format = gzippedFormat(sniffed.text);
      const expected = format ? expectedMagic(format) : 'gzip';
      if (sniffed.magic !== expected) {
        unreadable.push({ key: file.key, error: `not a ${format ?? 'gzip'} file: its first bytes are ${sniffed.magic === 'text' ? 'plain text' : sniffed.magic}` });
        continue;
      }
      if (!format) {
        unreadable.push({ key: file.key, error: 'gzip content is neither CSV nor NDJSON text' });
        continue;
      }
      try {
        read.push({ key: file.key, columns: await readerFor(format).describe(db, s3ObjectUrl(connection.bucket, candidate.prefix + file.key)) });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (classifyDuckDBReadError(message) === 'transient') throw error;
        unreadable.push({ key: file.key, error: scrubValues(message) });
      }
    }
  } finally {
    db.closeSync();
  }
  for (const { key, error } of unreadable) problems.push({ kind: 'unreadable-file', message: `${key}: ${error}`, files: [key], fileCount: 1 });
  if (read.length === 0 || !format) {
    return skip(`unreadable: none of the ${sample.length} sampled files could be read (${unreadable.map((u) => `${u.key}: ${u.error}`).join('; ')})`);
  }
  if (connection.format !== 'auto' && connection.format !== format) {
    problems.push({ kind: 'format-mismatch', message: `the connection's format is ${connection.format}, but this table's files are ${format}` });
  }
  const merged = mergeColumns(read, layout.partitionKeys, format);
  problems.push(...merged.problems);
  const table: DiscoveredTable = {
    connection: connection.name,
    name: candidate.name,
    prefix: candidate.prefix,
    layout: layout.layout,
    format,
    partitionKeys: layout.partitionKeys,
    ...(layout.dayKey ? { dayKey: layout.dayKey } : {}),
    ...(layout.dayFormat ? { dayFormat: layout.dayFormat } : {}),
    columns: merged.columns,
    fileCount: chosen.files.length,
    totalBytes: chosen.files.reduce((n, f) => n + f.size, 0),
    discoveredAt: input.discoveredAt,
    sampledFiles: sample.map((f) => f.key),
    ignoredFileCount: layout.ignoredCount,
    problems,
  };
  return { name: candidate.name, status: 'discovered', table, ...counts };
}
