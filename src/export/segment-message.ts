/** One canonical.events row as the export query selects it. */
export interface EventRow {
  message_id: string;
  event: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  properties: string;
  unit_ids: string;
  value: string | null;
  connection: string | null;
  source_table: string | null;
  source_key: string | null;
  ts_ms: bigint | number;
  received_ms: bigint | number | null;
}

const str = (value: string) => JSON.stringify(value);
const iso = (ms: bigint | number) => str(new Date(Number(ms)).toISOString());

/**
 * A Segment spec `track` message as one NDJSON line. Fields the warehouse lacks are omitted,
 * never invented: userId/anonymousId when empty, receivedAt when the row has no load record.
 * properties and the unit IDs are the warehouse's JSON text, copied as is; s3bridge's own
 * lineage and the Statsig-style value go under context.s3bridge.
 */
export function segmentMessageLine(row: EventRow): string {
  const parts = ['"type":"track"'];
  if (row.event !== null) parts.push(`"event":${str(row.event)}`);
  if (row.user_id !== null) parts.push(`"userId":${str(row.user_id)}`);
  if (row.anonymous_id !== null) parts.push(`"anonymousId":${str(row.anonymous_id)}`);
  parts.push(`"properties":${row.properties}`);
  const lineage = [`"unitIds":${row.unit_ids}`];
  if (row.value !== null) lineage.push(`"value":${str(row.value)}`);
  if (row.connection !== null) lineage.push(`"connection":${str(row.connection)}`);
  if (row.source_table !== null) lineage.push(`"table":${str(row.source_table)}`);
  if (row.source_key !== null) lineage.push(`"sourceKey":${str(row.source_key)}`);
  parts.push(`"context":{"s3bridge":{${lineage.join(',')}}}`);
  parts.push(`"timestamp":${iso(row.ts_ms)}`);
  if (row.received_ms !== null) parts.push(`"receivedAt":${iso(row.received_ms)}`);
  parts.push(`"messageId":${str(row.message_id)}`);
  return `{${parts.join(',')}}`;
}
