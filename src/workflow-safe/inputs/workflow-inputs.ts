import type { z } from 'zod';
import { ImportInput } from '../import/import-input';
import { ExportInput } from '../export/export-input';
import { MigrateDestinationInput } from '../export/migration';
import { CheckSetupInput } from './check-setup-input';
import { ApproveTableDriftInput, DiscoverSchemaInput } from './discover-schema-input';
import { ValidateConnectionInput } from './validate-connection-input';
import { QueryWarehouseInput, RemoveConnectionInput, ResetTableInput } from './warehouse-maintenance-input';

/**
 * Every workflow a user may start (Temporal UI, `temporal workflow start`, code) with the zod
 * schema of its input; `npm run docs` writes their JSON Schemas to schemas/.
 */
export const WORKFLOW_INPUTS: Record<string, z.ZodType> = {
  checkSetup: CheckSetupInput,
  validateConnection: ValidateConnectionInput,
  discoverSchema: DiscoverSchemaInput,
  approveTableDrift: ApproveTableDriftInput,
  importTable: ImportInput,
  exportTable: ExportInput,
  migrateDestination: MigrateDestinationInput,
  queryWarehouse: QueryWarehouseInput,
  resetTable: ResetTableInput,
  removeConnection: RemoveConnectionInput,
};
