import type { DestinationConnection } from '../../src/workflow-safe/connection';
import { HOUR_MS, windowLabel } from '../../src/workflow-safe/export/export-layout';
import type { ExportSpec } from '../../src/workflow-safe/export/export-spec';
import type { WindowVerification } from '../../src/workflow-safe/export/migration';
import { queryRows } from '../../src/duckdb/query-rows';
import { exportRows } from '../../src/export/export-rows';
import { readBackWindow } from '../../src/export/read-export';
import type { ActivityDeps } from '../deps';
import { classifyExportError, destinationS3 } from './export-context';

export interface VerifyExportInput {
  destination: DestinationConnection;
  spec: ExportSpec;
  windows: number[];
}

export function createVerifyExport({ settings, catalog, sink }: ActivityDeps) {
  /**
   * Reads the exported windows back from the destination as a consumer would and compares
   * them with the warehouse: every expected row present exactly once, nothing else.
   */
  return async function verifyExport(input: VerifyExportInput): Promise<WindowVerification[]> {
    const s3 = await destinationS3(input.destination, { settings, catalog });
    try {
      return await sink.read(async (db) => {
        const rows = await exportRows(db, input.spec);
        const results: WindowVerification[] = [];
        for (const windowStart of input.windows) {
          // Message IDs are distinct even for identical rows (an ordinal among them), so a repeated ID is a duplicate.
          const expected = (await queryRows<{ id: string }>(db, `SELECT message_id AS id FROM (${rows.sql})`, { from: windowStart, to: windowStart + HOUR_MS })).map((r) => r.id);
          const back = await readBackWindow(s3, input.destination.bucket, input.spec, windowStart, rows.kind);
          const want = new Set(expected);
          const seen = new Set<string>();
          let duplicates = 0;
          let unexpected = 0;
          for (const id of back.ids) {
            if (seen.has(id)) duplicates += 1;
            else if (!want.has(id)) unexpected += 1;
            seen.add(id);
          }
          const missing = expected.filter((id) => !seen.has(id)).length;
          results.push({
            window: windowLabel(windowStart), objects: back.keys.length, exported: back.ids.length, expected: expected.length,
            missing, unexpected, duplicates, problems: back.problems.slice(0, 5),
            ok: missing === 0 && unexpected === 0 && duplicates === 0 && back.problems.length === 0,
          });
        }
        return results;
      });
    } catch (error) {
      throw classifyExportError(error, `reading back the export in s3://${input.destination.bucket}`);
    } finally {
      s3.destroy();
    }
  };
}
