import { Context } from '@temporalio/activity';
import type { Connection } from '../../src/workflow-safe/connection';
import type { DaySelection } from '../../src/workflow-safe/import/import-input';
import type { ImportMapping } from '../../src/workflow-safe/import/mapping';
import { daySelected } from '../../src/workflow-safe/import/locate-partition';
import { targetLabel, targetTable } from '../../src/warehouse/target-table';
import { resolveCredentials } from '../../src/s3/resolve-credentials';
import { createS3Client } from '../../src/s3/create-s3-client';
import { refreshingCredentials } from '../../src/s3/refreshing-credentials';
import { listTableFiles } from '../../src/import/list-table-files';
import { configFingerprint, filesFingerprint } from '../../src/import/fingerprint';
import { checkMapping } from '../../src/import/table-columns';
import { decideUnit } from '../../src/import/unit-decision';
import { describeScheme, entryScheme, schemeChangeRefused, schemeDiffers, unitScheme, WHOLE_TABLE_SCHEME } from '../../src/warehouse/unit-scheme';
import type { ActivityDeps } from '../deps';

export interface PlanImportInput {
  connection: Connection;
  table: string;
  days: DaySelection;
  earliest?: string;
  mapping: ImportMapping;
  reload: boolean;
}

export interface PlannedUnit {
  unit: string;
  day: string | null;
  files: number;
  bytes: number;
  action: 'load' | 'skip';
  /** new, files changed, mapping changed, reload requested; or unchanged. */
  reason: string;
}

export interface ImportPlan {
  target: string;
  units: PlannedUnit[];
  /** Units left out of `units` because they are unchanged (a "new-and-changed" run lists only what it loads). */
  unchangedNotListed: number;
  /**
   * Whether small days may load in batches: on the embedded warehouse only. Its commits run one at
   * a time in one process, so two runs committing the same day (a backfill beside the scheduled
   * import) replace each other. On the shared lake two first commits of one day would both append;
   * there the per-day workflow IDs keep two runs off the same day. Absent (plans recorded before
   * it): batches allowed.
   */
  batchSmallDays?: boolean;
}

export function createPlanImport({ settings, catalog, sink }: ActivityDeps) {
  /** Lists the table's files, groups them by day, and compares each day with the load ledger. */
  return async function planImport(input: PlanImportInput): Promise<ImportPlan> {
    const { connection, mapping } = input;
    const context = Context.current();
    // Before anything slow: the heartbeat timeout counts from the activity's start, not from the first page.
    context.heartbeat({ listed: 0 });
    const table = await catalog.getDiscoveredTable(connection.name, input.table);
    checkMapping(table, mapping);
    const target = targetTable(connection.name, table.name, mapping);
    const configHash = configFingerprint({ mapping, target: targetLabel(target) });
    // A long listing outlives a role session: the client asks for fresh credentials before they expire.
    const session = refreshingCredentials(() => resolveCredentials(connection, settings, catalog));
    await session.get();
    const s3 = createS3Client(connection, () => session.get(), settings);
    let units;
    try {
      units = await listTableFiles(s3, connection.bucket, table, { onPage: (listed) => context.heartbeat({ listed }), connectionFormat: connection.direction === 'source' ? connection.format : 'auto' });
    } finally {
      s3.destroy();
    }
    const entries = await sink.ledger(connection.name, table.name, target);
    const scheme = unitScheme(table);
    const older = entries.find((e) => schemeDiffers(e, scheme));
    // A per-day load on top of a load of another scheme would duplicate rows: refused unless reloading.
    if (older && scheme !== WHOLE_TABLE_SCHEME && !input.reload) {
      throw schemeChangeRefused(table.name, targetLabel(target), entryScheme(older) ?? WHOLE_TABLE_SCHEME, scheme);
    }
    const schemeChange = older ? `unit scheme changed (was ${describeScheme(entryScheme(older) ?? WHOLE_TABLE_SCHEME)}): replaces the old load` : undefined;
    // Entries of another scheme describe rows the first commit removes: they make no unit unchanged.
    const ledger = new Map(entries.filter((e) => !schemeDiffers(e, scheme)).map((e) => [e.unit, e]));
    const range = typeof input.days === 'object' ? input.days : {};
    const planned: PlannedUnit[] = [];
    let unchangedNotListed = 0;
    for (const unit of [...units.values()].sort((a, b) => (a.unit < b.unit ? -1 : 1))) {
      if (unit.day !== null && !daySelected(unit.day, { ...range, earliest: input.earliest })) continue;
      const { action, reason } = decideUnit(ledger.get(unit.unit), { fingerprint: filesFingerprint(unit.files), configHash, reload: input.reload, schemeChange });
      if (action === 'skip' && input.days === 'new-and-changed') {
        unchangedNotListed += 1;
        continue;
      }
      planned.push({
        unit: unit.unit, day: unit.day, files: unit.files.length, bytes: unit.files.reduce((n, f) => n + f.size, 0),
        action, reason,
      });
    }
    return { target: targetLabel(target), units: planned, unchangedNotListed, batchSmallDays: settings.store === 'embedded' };
  };
}
