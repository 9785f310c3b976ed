import type { DuckDBConnection } from '@duckdb/node-api';
import { ApplicationFailure } from '@temporalio/common';
import { queryRows } from '../duckdb/query-rows';
import { qualifiedName, quoteIdentifier, quoteLiteral } from '../duckdb/sql';
import { EXPORT_SOURCE_INVALID } from '../workflow-safe/failure-types';
import type { ExportClock } from '../workflow-safe/export/export-input';
import { RECEIVED_LOADS_SQL, rowLineage, STORED_LINEAGE_COLUMNS } from './row-lineage';

/**
 * The SQL that selects one export's rows from the warehouse, bound to `$from` and `$to` (unix
 * ms, [from, to)): the rows received in that hour (clock "received": their load committed then)
 * or whose time column falls in it (clock "event"). canonical.events rows become Segment spec
 * messages, any other table one JSON object per row; every row has a message ID that is a hash
 * of its lineage and values, plus an ordinal among identical rows, so it is stable per source
 * row across re-runs and reloads.
 */
export interface ExportRows {
  /** The warehouse table, `schema.table`. */
  table: string;
  kind: 'events' | 'raw';
  clock: ExportClock;
  /** Columns: line, ts_ms, message_id; events also: event, user_id, anonymous_id, properties, unit_ids, value, connection, source_table, source_key, ts, received_at. */
  sql: string;
  /** The ORDER BY of a window's rows (over `sql`'s columns): time, then identity, so batches are deterministic. */
  order: string;
  /** One row for the window: n (rows) and s (the sum of the rows' hashes); see fingerprintOf. */
  summarySql: string;
  /** One row per hourly window that has rows, by the clock: w (unix ms), n, s (as summarySql). */
  fingerprintSql: string;
  /** The loads of the table received in [$from, $to): load_id, received_ms, rows (also binds $target: the table). */
  loadsSql: string;
}

/**
 * A window's fingerprint: its row count and the sum of its rows' hashes (each a 64-bit hash of
 * the row's lineage and values). Order-free, so one GROUP BY computes it for many windows; a
 * sum, unlike an XOR, does not cancel identical rows, so (A, A) changed to (B, B) is seen.
 */
export function fingerprintOf(count: number | bigint, sum: bigint | null | undefined): string {
  return `${count}:${(sum ?? 0n).toString(16)}`;
}

function fail(message: string): never {
  throw ApplicationFailure.create({ type: EXPORT_SOURCE_INVALID, nonRetryable: true, message });
}

/** The row's instant as TIMESTAMPTZ: a naive TIMESTAMP or DATE counts as UTC. */
function instantExpression(column: string, type: string): string {
  const c = `e.${quoteIdentifier(column)}`;
  if (type === 'TIMESTAMP WITH TIME ZONE') return c;
  if (type.startsWith('TIMESTAMP')) return `timezone('UTC', CAST(${c} AS TIMESTAMP))`;
  if (type === 'DATE') return `timezone('UTC', CAST(${c} AS TIMESTAMP))`;
  return fail(`time column "${column}" is ${type}; export windows need a TIMESTAMP, TIMESTAMPTZ or DATE column (set timeColumn)`);
}

// ISO 8601 with milliseconds, from the instant's UTC microseconds (no time zone lookup per row).
const iso = (instant: string) => `strftime(make_timestamp(epoch_us(${instant})), '%Y-%m-%dT%H:%M:%S.%gZ')`;
const field = (name: string, column: string) => `CASE WHEN ${column} IS NULL THEN '' ELSE ',"${name}":' || to_json(${column})::VARCHAR END`;
// JSON text as stored may hold line breaks between tokens; an NDJSON line must not (rewritten compactly only then).
const oneLine = (json: string) => `CASE WHEN contains(${json}, chr(10)) OR contains(${json}, chr(13)) THEN json(${json})::VARCHAR ELSE ${json} END`;
// An ISO time field, omitted when the instant is NULL (concat would leave an empty string).
const timeField = (name: string, instant: string) => `CASE WHEN ${instant} IS NULL THEN '' ELSE concat(',"${name}":"', ${iso(instant)}, '"') END`;
const receivedField = (name: string) => timeField(name, 'received_at');

/**
 * A Segment spec "track" message as one NDJSON line, built by DuckDB (vectorized, one concat).
 * Fields the warehouse lacks are omitted, never invented: userId and anonymousId when empty,
 * timestamp when NULL, receivedAt when the row has no load record. properties and the unit IDs are the warehouse's
 * JSON, copied as is; the Statsig-style value and the row's lineage go under context.s3bridge.
 * Timestamps have millisecond precision, like Segment's.
 */
const SEGMENT_LINE = `concat('{"type":"track"', ${field('event', 'event')}, ${field('userId', 'user_id')}, ${field('anonymousId', 'anonymous_id')},
  ',"properties":', ${oneLine('properties')}, ',"context":{"s3bridge":{"unitIds":', ${oneLine('unit_ids')},
  ${field('value', '"value"')}, ${field('connection', 'connection')}, ${field('table', 'source_table')}, ${field('sourceKey', 'source_key')}, '}}',
  ${timeField('timestamp', 'ts')}, ${receivedField('receivedAt')}, ',"messageId":"', message_id, '"}')`;

const between = (instant: string) => `${instant} >= to_timestamp($from / 1000) AND ${instant} < to_timestamp($to / 1000)`;

/**
 * Message IDs: the identity hash `__h`, plus an ordinal among rows with the same hash (all but
 * the first get `-2`, `-3`...): distinct, stable IDs for identical rows. Numbering every row
 * would move all of them through a window; only the rows whose 64-bit `__k` repeats (a cheap
 * aggregate over the same scan) are numbered, the rest are first by definition.
 */
const numbered = (base: string) => `WITH __base AS NOT MATERIALIZED (${base}),
    __repeated AS (SELECT __k FROM __base GROUP BY __k HAVING count(*) > 1)
  SELECT *, __h AS message_id FROM __base WHERE __k NOT IN (SELECT __k FROM __repeated)
  UNION ALL
  SELECT * EXCLUDE (__n), CASE WHEN __n = 1 THEN __h ELSE __h || '-' || __n END AS message_id
  FROM (SELECT *, row_number() OVER (PARTITION BY __h) AS __n FROM __base WHERE __k IN (SELECT __k FROM __repeated))`;

export interface ExportRowsSpec {
  table: string;
  clock: ExportClock;
  timeColumn?: string;
}

export async function exportRows(db: DuckDBConnection, spec: ExportRowsSpec): Promise<ExportRows> {
  const { table, clock } = spec;
  const [schema, name] = [table.slice(0, table.indexOf('.')), table.slice(table.indexOf('.') + 1)];
  const columns = await queryRows<{ name: string; type: string }>(db,
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_schema = $schema AND table_name = $name ORDER BY ordinal_position`, { schema, name });
  if (columns.length === 0) fail(`table ${table} is not in the warehouse (import into it first, or name "schema.table")`);
  const names = columns.map((c) => c.name);
  const kind = table === 'canonical.events' ? 'events' : 'raw';
  const lineage = rowLineage('e', names, `${schema}.${name}`);
  if (clock === 'received' && !lineage.present) {
    fail(`table ${table} has no load lineage (${STORED_LINEAGE_COLUMNS.join(', ')}), so s3bridge does not know when its rows were received: export it with "clock": "event" and a timeColumn`);
  }
  let eventInstant: string | undefined;
  const timeColumn = spec.timeColumn ?? (kind === 'events' ? 'timestamp' : undefined);
  if (timeColumn !== undefined) {
    const type = columns.find((c) => c.name === timeColumn)?.type;
    if (!type) fail(`time column "${timeColumn}" is not in ${table} (its columns: ${names.join(', ')})`);
    eventInstant = instantExpression(timeColumn, type);
  } else if (clock === 'event') {
    fail(`exporting ${table} by event time needs timeColumn: the column that places a row in its hourly window (its columns: ${names.join(', ')})`);
  }
  // The clock's instant places a row in its window; the event instant orders rows within one.
  const windowInstant = clock === 'received' ? lineage.receivedAt : eventInstant!;
  const source = `${qualifiedName(schema, name)} e ${lineage.joins}`;
  let sql: string;
  let rowHash: string;
  if (kind === 'events') {
    const identity = [lineage.connection, lineage.table, lineage.sourceKey, 'e.event_name', 'e.user_id', 'e.unit_ids', 'e."timestamp"', 'e."value"', 'e.properties'];
    rowHash = `hash(${identity.join(', ')})`;
    // The message ID's input, unchanged since the first export (IDs stay stable across versions): the identity as a JSON array, the time in µs.
    const messageIdInput = `json_array(${identity.map((c) => (c === 'e."timestamp"' ? 'epoch_us(e."timestamp")' : c)).join(', ')})::VARCHAR`;
    const base = `SELECT e.event_name AS event, e.user_id,
        COALESCE(json_extract_string(e.unit_ids, '$.anonymousId'), json_extract_string(e.unit_ids, '$.anonymousID')) AS anonymous_id,
        COALESCE(e.properties, '{}')::VARCHAR AS properties, COALESCE(e.unit_ids, '{}')::VARCHAR AS unit_ids, e."value",
        ${lineage.connection} AS connection, ${lineage.table} AS source_table, ${lineage.sourceKey} AS source_key,
        e."timestamp" AS ts, epoch_ms(e."timestamp") AS ts_ms, ${lineage.receivedAt} AS received_at,
        md5(${messageIdInput}) AS __h, ${rowHash} AS __k
      FROM ${source} WHERE ${between(windowInstant)}`;
    sql = `SELECT *, ${SEGMENT_LINE} AS line FROM (${numbered(base)})`;
  } else {
    // The row's own columns, then its lineage under the stored names: the object a consumer reads.
    const data = columns.filter((c) => !(STORED_LINEAGE_COLUMNS as readonly string[]).includes(c.name));
    const fields = [
      ...data.map((c) => `${quoteLiteral(c.name)}: e.${quoteIdentifier(c.name)}`),
      ...(lineage.present ? [`'_connection': ${lineage.connection}`, `'_table': ${lineage.table}`, `'_day': ${lineage.day}`, `'_source_key': ${lineage.sourceKey}`] : []),
    ];
    rowHash = `hash(${[...data.map((c) => `e.${quoteIdentifier(c.name)}`), lineage.connection, lineage.table, lineage.day, lineage.sourceKey].join(', ')})`;
    const base = `SELECT __object, md5(__object) AS __h, __k, ts_ms, received_at FROM (
        SELECT to_json({${fields.join(', ')}})::VARCHAR AS __object, ${rowHash} AS __k, epoch_ms(${eventInstant ?? windowInstant}) AS ts_ms, ${lineage.receivedAt} AS received_at
        FROM ${source} WHERE ${between(windowInstant)})`;
    // The object, its last "}" replaced by the receipt time and message ID.
    sql = `SELECT *, concat(left(__object, -1), ${receivedField('_received_at')}, ',"_message_id":"', message_id, '"}') AS line FROM (${numbered(base)})`;
  }
  const hashed = `SELECT ${windowInstant} AS __instant, ${rowHash} AS __row_hash FROM ${source}`;
  return {
    table,
    kind,
    clock,
    sql,
    order: 'ts_ms, message_id',
    summarySql: `SELECT count(*) AS n, sum(__row_hash) AS s FROM (${hashed}) WHERE ${between('__instant')}`,
    fingerprintSql: `SELECT (epoch_ms(__instant) // 3600000) * 3600000 AS w, count(*) AS n, sum(__row_hash) AS s
      FROM (${hashed}) WHERE ${between('__instant')} GROUP BY 1 ORDER BY 1`,
    loadsSql: RECEIVED_LOADS_SQL,
  };
}
