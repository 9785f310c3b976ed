import { Context } from '@temporalio/activity';
import type { DestinationConnection } from '../../src/workflow-safe/connection';
import { windowLabel } from '../../src/workflow-safe/export/export-layout';
import type { WindowReport } from '../../src/workflow-safe/export/export-input';
import { exportKeyOf, type ExportSpec } from '../../src/workflow-safe/export/export-spec';
import { exportRows } from '../../src/export/export-rows';
import { writeWindow } from '../../src/export/write-window';
import type { ActivityDeps } from '../deps';
import { classifyExportError, destinationS3 } from './export-context';

export interface ExportWindowInput {
  destination: DestinationConnection;
  spec: ExportSpec;
  windowStart: number;
  reason: string;
  runId: string;
}

/** Progress in heartbeats (the Temporal UI shows it on the pending activity). */
export interface ExportProgress {
  window: string;
  batch: number;
  rows: number;
  uploadedBytes: number;
}

export function createExportWindow({ settings, catalog, sink }: ActivityDeps) {
  /**
   * Exports one hourly window to the destination and records it in the export ledger. Idempotent:
   * a retry (or a re-run) aborts the uploads an earlier attempt left open, overwrites the same
   * keys and removes batches the window no longer has.
   */
  return async function exportWindow(input: ExportWindowInput): Promise<WindowReport> {
    const s3 = await destinationS3(input.destination, { settings, catalog });
    const window = windowLabel(input.windowStart);
    try {
      return await sink.read(async (db) => {
        const rows = await exportRows(db, input.spec);
        const heartbeat = (p: Omit<ExportProgress, 'window'>) => Context.current().heartbeat({ window, ...p } satisfies ExportProgress);
        // How many batches an earlier attempt (its last heartbeat) or run (the ledger) may have started: their uploads are aborted first.
        const previous = Context.current().info.heartbeatDetails as ExportProgress | undefined;
        const exportKey = exportKeyOf(input.destination, input.spec);
        const [recorded] = await catalog.exportLedger(exportKey, input.windowStart);
        const knownBatches = Math.max(previous?.window === window ? previous.batch + 1 : 0, recorded?.windowStart === input.windowStart ? recorded.files.length : 0);
        heartbeat({ batch: 0, rows: 0, uploadedBytes: 0 });
        // A cancelled activity (or a worker shutting down) stops DuckDB's write of the window too.
        const { cancellationSignal } = Context.current();
        const stop = () => db.interrupt();
        cancellationSignal.addEventListener('abort', stop);
        let written;
        try {
          written = await writeWindow(db, rows, {
            s3, bucket: input.destination.bucket, prefix: input.spec.prefix, format: input.spec.format, sourceId: input.spec.sourceId,
            encryption: input.destination.encryption, maxFileBytes: input.spec.maxFileBytes, tempDir: settings.dataDir,
          }, input.windowStart, heartbeat, knownBatches);
        } finally {
          cancellationSignal.removeEventListener('abort', stop);
        }
        await catalog.saveExportLedgerEntry({
          exportKey, windowStart: input.windowStart, files: written.files,
          rows: written.rows, bytes: written.bytes, checksum: written.checksum, fingerprint: written.fingerprint, runId: input.runId,
          ...(written.loads ? { loads: written.loads } : {}),
        });
        return {
          window, windowStart: input.windowStart, status: 'exported', reason: input.reason, rows: written.rows,
          files: written.files.length, bytes: written.bytes, keys: written.files.map((f) => f.key),
          removedKeys: written.removedKeys, abortedUploads: written.abortedUploads ?? 0,
        };
      });
    } catch (error) {
      throw classifyExportError(error, `export of window ${window} to s3://${input.destination.bucket}`);
    } finally {
      s3.destroy();
    }
  };
}
