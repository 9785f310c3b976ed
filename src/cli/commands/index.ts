import type { RegisterCommand } from '../command';
import { registerCheckSetup } from './check-setup';
import { registerConnections } from './connections';
import { registerPolicy } from './policy';
import { registerDiscover } from './discover';
import { registerTables } from './tables';
import { registerImport } from './import';
import { registerBackfill } from './backfill';
import { registerSchedule } from './schedule';
import { registerSchedules } from './schedules';
import { registerRuns } from './runs';
import { registerRejects } from './rejects';
import { registerSql } from './sql';
import { registerExport } from './export';
import { registerMigrate } from './migrate';
import { registerConsole } from './console';

/** Every CLI command, in the order `s3bridge --help` lists them; add a new one here. */
export const commands: RegisterCommand[] = [
  registerConnections, registerPolicy, registerCheckSetup, registerDiscover, registerTables, registerImport, registerBackfill,
  registerSchedule, registerExport, registerMigrate, registerSchedules, registerRuns, registerRejects, registerSql, registerConsole,
];
