import type { CliCommand } from '../command';
import { checkSetupCommand } from './check-setup';
import { discoverCommand } from './discover';
import { tablesCommand } from './tables';
import { connectionsCommand } from './connections';
import { policyCommand } from './policy';
import { importCommand } from './import';
import { backfillCommand } from './backfill';
import { scheduleCommand } from './schedule';
import { exportCommand } from './export';
import { migrateCommand } from './migrate';

/** Every CLI command; add a new one here. */
export const commands: CliCommand[] = [checkSetupCommand, discoverCommand, tablesCommand, connectionsCommand, policyCommand, importCommand, backfillCommand, scheduleCommand, exportCommand, migrateCommand];
