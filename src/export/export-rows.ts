import type { DuckDBConnection } from '@duckdb/node-api';
import { ApplicationFailure } from '@temporalio/common';
import { queryRows } from '../duckdb/query-rows';
import { qualifiedName, quoteIdentifier, quoteLiteral } from '../duckdb/sql';
import { EXPORT_SOURCE_INVALID } from '../workflow-safe/failure-types';

/**
 * The SQL that selects one export's rows from the warehouse, bound to `$from` and `$to` (unix
 * ms, [from, to)). canonical.events rows become Segment spec messages' fields, with a message
 * ID that is a hash of the row's lineage and values (plus an ordinal among identical rows), so
 * it is stable per source row across re-runs. Any other table exports its rows as JSON objects.
 */
export interface ExportRows {
  kind: 'events' | 'raw';
  /** Columns: events: message_id, event, user_id, anonymous_id, properties, unit_ids, value, connection, source_table, source_key, ts_ms, received_ms, ts, received_at, line; raw: line, ts_ms. */
  sql: string;
  /** The ORDER BY of a window's rows (over `sql`'s columns): time, then identity, so batches are deterministic. */
  order: string;
  /** One row for the window: n (rows) and s (the sum of the rows' hashes); see fingerprintOf. */
  summarySql: string;
  /** One row per hourly window that has rows: w (unix ms), n, s (as summarySql). */
  fingerprintSql: string;
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
  const c = quoteIdentifier(column);
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

/**
 * A Segment spec "track" message as one NDJSON line, built by DuckDB (vectorized, one concat).
 * Fields the warehouse lacks are omitted, never invented: userId and anonymousId when empty,
 * receivedAt when the row has no load record. properties and the unit IDs are the warehouse's
 * JSON, copied as is; the Statsig-style value and the row's lineage go under context.s3bridge.
 * Timestamps have millisecond precision, like Segment's.
 */
const SEGMENT_LINE = `concat('{"type":"track"', ${field('event', 'event')}, ${field('userId', 'user_id')}, ${field('anonymousId', 'anonymous_id')},
  ',"properties":', ${oneLine('properties')}, ',"context":{"s3bridge":{"unitIds":', ${oneLine('unit_ids')},
  ${field('value', '"value"')}, ${field('connection', 'connection')}, ${field('table', 'source_table')}, ${field('sourceKey', 'source_key')}, '}}',
  ',"timestamp":"', ${iso('ts')}, '"',
  CASE WHEN received_at IS NULL THEN '' ELSE concat(',"receivedAt":"', ${iso('received_at')}, '"') END,
  ',"messageId":"', message_id, '"}')`;

const WINDOW_FILTER = (instant: string) => `${instant} >= to_timestamp($from / 1000) AND ${instant} < to_timestamp($to / 1000)`;

export async function exportRows(db: DuckDBConnection, table: string, timeColumn?: string): Promise<ExportRows> {
  const [schema, name] = [table.slice(0, table.indexOf('.')), table.slice(table.indexOf('.') + 1)];
  const columns = await queryRows<{ name: string; type: string }>(db,
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_schema = $schema AND table_name = $name ORDER BY ordinal_position`, { schema, name });
  if (columns.length === 0) fail(`table ${table} is not in the warehouse (import into it first, or name "schema.table")`);
  const kind = table === 'canonical.events' ? 'events' : 'raw';
  const column = timeColumn ?? (kind === 'events' ? 'timestamp' : undefined);
  if (!column) fail(`exporting ${table} needs timeColumn: the column that places a row in its hourly window (its columns: ${columns.map((c) => c.name).join(', ')})`);
  const type = columns.find((c) => c.name === column)?.type;
  if (!type) fail(`time column "${column}" is not in ${table} (its columns: ${columns.map((c) => c.name).join(', ')})`);
  const instant = instantExpression(column, type);
  const source = qualifiedName(schema, name);
  let sql: string;
  let rowHash: string;
  if (kind === 'events') {
    rowHash = 'hash(e._connection, e._table, e._source_key, e.event_name, e.user_id, e.unit_ids, e."timestamp", e."value", e.properties)';
    sql = `WITH base AS (
        SELECT e.*, ${instant} AS __instant,
          md5(json_array(e._connection, e._table, e._source_key, e.event_name, e.user_id, e.unit_ids, epoch_us(e."timestamp"), e."value", e.properties)::VARCHAR) AS __h
        FROM ${source} e WHERE ${WINDOW_FILTER(instant)}
      ), numbered AS (
        SELECT *, row_number() OVER (PARTITION BY __h) AS __n FROM base
      ), loads AS (
        SELECT load_id, min(loaded_at) AS loaded_at FROM s3bridge.load_ledger GROUP BY load_id
      )
      SELECT *, ${SEGMENT_LINE} AS line FROM (
        SELECT CASE WHEN __n = 1 THEN __h ELSE __h || '-' || __n END AS message_id,
        event_name AS event, user_id,
        COALESCE(json_extract_string(unit_ids, '$.anonymousId'), json_extract_string(unit_ids, '$.anonymousID')) AS anonymous_id,
        COALESCE(properties, '{}')::VARCHAR AS properties, COALESCE(unit_ids, '{}')::VARCHAR AS unit_ids, "value",
        _connection AS connection, _table AS source_table, _source_key AS source_key,
        epoch_ms(__instant) AS ts_ms, epoch_ms(loads.loaded_at) AS received_ms, __instant AS ts, loads.loaded_at AS received_at
      FROM numbered LEFT JOIN loads ON loads.load_id = numbered._load_id
      ) m`;
  } else {
    const exported = columns.filter((c) => c.name !== '_load_id');
    const fields = exported.map((c) => `${quoteLiteral(c.name)}: ${quoteIdentifier(c.name)}`).join(', ');
    rowHash = `hash(${exported.map((c) => `e.${quoteIdentifier(c.name)}`).join(', ')})`;
    sql = `SELECT to_json({${fields}})::VARCHAR AS line, epoch_ms(${instant}) AS ts_ms FROM ${source} WHERE ${WINDOW_FILTER(instant)}`;
  }
  const hashed = `SELECT ${instant} AS __instant, ${rowHash} AS __row_hash FROM ${source} e`;
  return {
    kind,
    sql,
    order: `ts_ms, ${kind === 'events' ? 'message_id' : 'line'}`,
    summarySql: `SELECT count(*) AS n, sum(__row_hash) AS s FROM (${hashed}) WHERE ${WINDOW_FILTER('__instant')}`,
    fingerprintSql: `SELECT (epoch_ms(__instant) // 3600000) * 3600000 AS w, count(*) AS n, sum(__row_hash) AS s
      FROM (${hashed}) WHERE ${WINDOW_FILTER('__instant')} GROUP BY 1 ORDER BY 1`,
  };
}
