import { z } from 'zod';

/**
 * How source columns become warehouse rows. raw keeps the table as discovered; events and
 * metrics map onto the canonical Statsig-style tables. Pure zod: the workflow parses it too.
 */

const Column = z.string().min(1, 'name a source column');

/** A value taken from a column, or the same constant on every row. */
const ColumnOrConstant = z.union([
  z.object({ column: Column }).strict(),
  z.object({ constant: z.string().min(1) }).strict(),
], { error: 'expected {"column": "<source column>"} or {"constant": "<value>"}' });
type ColumnOrConstant = z.infer<typeof ColumnOrConstant>;

/**
 * How a timestamp column is spelled: iso (any ISO 8601 / SQL timestamp, with or without an
 * offset), unix-seconds, unix-millis, or a strptime pattern such as "%d/%m/%Y %H:%M:%S".
 */
export const TimestampSpec = z.object({
  column: Column,
  format: z.string().min(1).default('iso'),
  /** The IANA zone of timestamps written without an offset (values with an offset keep theirs). */
  timezone: z.string().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'expected an IANA time zone such as "UTC" or "Europe/Paris"').default('UTC'),
}).strict();
export type TimestampSpec = z.infer<typeof TimestampSpec>;

export const EventsMapping = z.object({
  eventName: ColumnOrConstant,
  /** The user id column (Statsig's user_id). */
  userId: Column.optional(),
  /** Other unit ids by id type, e.g. {"stableID": "device_id", "companyID": "org_id"}. */
  unitIds: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'id types are identifiers such as "stableID"'), Column).default({}),
  timestamp: TimestampSpec,
  value: Column.optional(),
  /** Columns kept as properties; every unmapped column when absent. */
  properties: z.array(Column).optional(),
}).strict().refine((m) => m.userId !== undefined || Object.keys(m.unitIds).length > 0, {
  message: 'map at least one unit id: "userId" or an entry in "unitIds"',
});
export type EventsMapping = z.infer<typeof EventsMapping>;

export const MetricsMapping = z.object({
  unitId: Column,
  /** What kind of unit the id is (Statsig's unit type); "user_id" unless given. */
  unitType: z.string().min(1).default('user_id'),
  /** The metric's date column; the partition day when absent. */
  date: Column.optional(),
  metricName: ColumnOrConstant,
  value: Column,
}).strict();
export type MetricsMapping = z.infer<typeof MetricsMapping>;

export const ImportMapping = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('raw') }).strict(),
  z.object({ mode: z.literal('events'), events: EventsMapping }).strict(),
  z.object({ mode: z.literal('metrics'), metrics: MetricsMapping }).strict(),
], { error: (issue) => (issue.code === 'invalid_union' ? 'mode must be "raw", "events" (with "events": {...}) or "metrics" (with "metrics": {...})' : undefined) });
export type ImportMapping = z.infer<typeof ImportMapping>;
