import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The typed search attributes every s3bridge run carries, so users filter runs in the Temporal
 * UI and with `temporal workflow list --query 'S3bridgeConnection = "shop"'`. They must be
 * registered on the server once (scripts/services.sh does it for the dev server; docs/workflows.md shows
 * `temporal operator search-attribute create` for another server).
 */
export const S3BRIDGE_CONNECTION = defineSearchAttributeKey('S3bridgeConnection', SearchAttributeType.KEYWORD);
export const S3BRIDGE_TABLE = defineSearchAttributeKey('S3bridgeTable', SearchAttributeType.KEYWORD);
/** What the run does: import, import-day, discovery, validation, check-setup, maintenance. */
export const S3BRIDGE_KIND = defineSearchAttributeKey('S3bridgeKind', SearchAttributeType.KEYWORD);
/** Days of an import that failed (0 while running and on success). */
export const S3BRIDGE_FAILED_DAYS = defineSearchAttributeKey('S3bridgeFailedDays', SearchAttributeType.INT);

/** Every key with its server type, for registration (`--search-attribute Name=Type`). */
export const SEARCH_ATTRIBUTE_KEYS = [S3BRIDGE_CONNECTION, S3BRIDGE_TABLE, S3BRIDGE_KIND, S3BRIDGE_FAILED_DAYS] as const;

export type RunKind = 'import' | 'import-day' | 'discovery' | 'validation' | 'check-setup' | 'maintenance' | 'export' | 'migration';
