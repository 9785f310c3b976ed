// The workflow bundle's entry point: every workflow the worker runs is exported here.
export { checkSetup } from './check-setup';
export { validateConnection } from './validate-connection';
export { discoverSchema } from './discover-schema';
export { approveTableDrift } from './approve-table-drift';
export { importTable } from './import-table';
export { importDay } from './import-day';
export { exportTable } from './export-table';
export { migrateDestination } from './migrate-destination';
