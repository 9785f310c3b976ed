import type { ActivityDeps } from './deps';
import { createResolveConnection } from './connections/resolve-connection';
import { createRunConnectionCheck } from './connections/run-connection-check';
import { createRecordConnectionStatus } from './connections/record-connection-status';
import { createRequireActiveConnection } from './connections/require-active-connection';
import { createCheckSetup } from './setup/check-setup';
import { createListSchemaTables } from './discovery/list-schema-tables';
import { createDiscoverTableBatch } from './discovery/discover-table-batch';
import { createCommitDiscovery } from './discovery/commit-discovery';
import { createRecordDriftApproval } from './discovery/record-drift-approval';
import { createPlanImport } from './import/plan-import';
import { createLoadDayPartition } from './import/load-day-partition';
import { createLoadDayBatch } from './import/load-day-batch';
import { createWarehouseMaintenance } from './warehouse/maintain-warehouse';
import { createPlanExport } from './export/plan-export';
import { createExportWindow } from './export/export-window';
import { createVerifyExport } from './export/verify-export';
import { createRemoveExportPrefix } from './export/remove-export-prefix';
import { createSetDestinationStates } from './export/set-destination-states';
import { createDestinationStateActivities } from './export/destination-states';

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    resolveConnection: createResolveConnection(deps),
    runConnectionCheck: createRunConnectionCheck(deps),
    recordConnectionStatus: createRecordConnectionStatus(deps),
    requireActiveConnection: createRequireActiveConnection(deps),
    checkSetup: createCheckSetup(deps),
    listSchemaTables: createListSchemaTables(deps),
    discoverTableBatch: createDiscoverTableBatch(deps),
    commitDiscovery: createCommitDiscovery(deps),
    recordDriftApproval: createRecordDriftApproval(deps),
    planImport: createPlanImport(deps),
    loadDayPartition: createLoadDayPartition(deps),
    loadDayBatch: createLoadDayBatch(deps),
    ...createWarehouseMaintenance(deps),
    planExport: createPlanExport(deps),
    exportWindow: createExportWindow(deps),
    verifyExport: createVerifyExport(deps),
    removeExportPrefix: createRemoveExportPrefix(deps),
    setDestinationStates: createSetDestinationStates(deps),
    ...createDestinationStateActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';
