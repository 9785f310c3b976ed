import { defineSignal } from '@temporalio/workflow';

/**
 * Signals and queries shared across workflows and their callers (client, CLI).
 * Kept in one file so callers import names from one place.
 */

/** Approves a table's pending schema drift; imports waiting on that table carry on. */
export const approveDriftSignal = defineSignal<[{ connection: string; table: string }]>('approveDrift');
