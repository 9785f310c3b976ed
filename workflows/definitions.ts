import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ValidationReport } from '../src/shared/validation/validation-report';
import type { DiscoveryProgress } from '../src/shared/discovery/discovery-report';
import type { ImportProgress } from '../src/shared/import/import-progress';

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
