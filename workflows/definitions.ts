import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { MigrationApproval, MigrationApprovalResult, MigrationReport } from '../src/workflow-safe/export/migration';
import type { ValidationReport } from '../src/workflow-safe/validation/validation-report';
import type { DiscoveryProgress } from '../src/workflow-safe/discovery/discovery-report';
import type { ImportProgress } from '../src/workflow-safe/import/import-progress';
import type { ExportProgress } from '../src/workflow-safe/export/export-input';

/**
 * Signals and queries shared across workflows and their callers (client, CLI).
 * Kept in one file so callers import names from one place.
 */

/** Approves a table's pending schema drift; imports waiting on that table carry on. */
export const approveDriftSignal = defineSignal<[{ connection: string; table: string }]>('approveDrift');

/** A running discovery's progress: tables listed and tables done so far. */
export const discoveryProgressQuery = defineQuery<DiscoveryProgress>('discoveryProgress');

/** The validation report so far: status Processing and each check's row as it completes. */
export const connectionValidationQuery = defineQuery<ValidationReport>('connectionValidation');

/** What an import's day is doing: loading, or waiting for a drift approval (with the diff). */
export const importDayStateQuery = defineQuery<{ state: 'loading' | 'waiting-for-drift-approval'; drift?: string }>('importDayState');

/** A running import's progress: days to load, done, failed, rows and bytes so far (the CLI's live line). */
export const importProgressQuery = defineQuery<ImportProgress>('importProgress');

/** A running export's progress: windows planned and done, the current window, rows and bytes so far. */
export const exportProgressQuery = defineQuery<ExportProgress>('exportProgress');

/** A migration's step, status and findings so far. */
export const migrationStateQuery = defineQuery<MigrationReport>('migrationState');

/** Pauses a migration before its next step (a running timer keeps running). */
export const pauseMigrationSignal = defineSignal('pauseMigration');

/** Resumes a paused migration. */
export const resumeMigrationSignal = defineSignal('resumeMigration');

/** Aborts a migration: it rolls back (the old destination stays enabled, test objects are removed). */
export const abortMigrationSignal = defineSignal<[{ reason?: string }]>('abortMigration');

/** Approves (or refuses) the switch of a migration that requires approval; says whether it was accepted. */
export const approveMigrationUpdate = defineUpdate<MigrationApprovalResult, [MigrationApproval]>('approveMigration');
