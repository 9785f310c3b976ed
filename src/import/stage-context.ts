import type { DuckDBConnection } from '@duckdb/node-api';
import type { DiscoveredTable } from '../workflow-safe/catalog/discovered-table';
import type { ErrorPolicy } from '../workflow-safe/import/import-input';
import type { ImportMapping } from '../workflow-safe/import/mapping';
import { classifyDuckDBReadError } from '../duckdb/classify-read-error';
import { readFailure } from '../formats/read-failure';
import type { UnitFiles } from './list-table-files';

/** What the load of one unit works on, from its description to its staging: no Temporal in it. */
export interface StageContext {
  db: DuckDBConnection;
  /** The bucket a source scan reads (the warehouse is given access to it). */
  bucket: string;
  /** What a key is read as: `s3://<bucket>/` (a local folder in tests). */
  urlPrefix: string;
  connection: string;
  table: DiscoveredTable;
  unit: UnitFiles;
  mapping: ImportMapping;
  errorPolicy: ErrorPolicy;
  loadId: string;
  stagingDir: string;
  /** Called before each scan (fresh credentials for DuckDB's secret). */
  beforeScan?(): Promise<void>;
  /** Called after each scan of a group of files; throws to stop (cancellation). */
  onFile(filesDone: number, rows: number): void;
}

export const unitUrls = (ctx: Pick<StageContext, 'urlPrefix' | 'unit'>): string[] => ctx.unit.files.map((f) => ctx.urlPrefix + f.key);

/** Runs `fn` with the unit's URLs; when a read of many files fails, finds the file that fails alone, so the error names its key. */
export async function probing<T>(db: DuckDBConnection, urls: string[], format: string, read: (files: string[]) => Promise<T>, probe: (file: string) => Promise<unknown> = (file) => read([file])): Promise<T> {
  try {
    return await read(urls);
  } catch (error) {
    if (urls.length === 1 || classifyDuckDBReadError(error instanceof Error ? error.message : String(error)) === 'transient') {
      throw readFailure(error, urls[0]!, format);
    }
    for (const file of urls) {
      // Probe errors are what we want to see; anything else (an interrupt) ends the search.
      const failed = await probe(file).then(() => undefined, (probeError: unknown) => probeError);
      if (failed !== undefined) throw readFailure(failed, file, format);
    }
    throw readFailure(error, `${urls[0]} (one of ${urls.length} files)`, format);
  }
}

