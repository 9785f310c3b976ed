import type { DuckDBValue } from '@duckdb/node-api';
import type { ColumnSchema, PartitionKey } from '../workflow-safe/catalog/discovered-table';
import type { EventsMapping, ImportMapping, MetricsMapping, TimestampSpec } from '../workflow-safe/import/mapping';
import { quoteIdentifier, quoteLiteral } from '../duckdb/sql';
import { checkedType } from '../workflow-safe/type-rule';

/** A row-level check: when `when` holds, the row is bad in `column` (NULL: the whole row) for `reason` (text, or a SQL expression). */
export interface RowCheck {
  when: string;
  column: string | null;
  reason: string | { sql: string };
}

/** The SELECT list that maps scanned source files (relation `s`, one set of columns) to warehouse rows, and its checks. */
export interface Projection {
  selects: string[];
  checks: RowCheck[];
  params: Record<string, DuckDBValue>;
  /** Mapped columns the file lacks: every row is bad (missing required column). */
  missing: string[];
}

export interface ProjectionContext {
  mapping: ImportMapping;
  /** The file's columns as read into `s` (CSV already typed; NDJSON as JSON text; Parquet as written). */
  fileColumns: ColumnSchema[];
  /** raw mode: the data columns to write, with their warehouse types. */
  dataColumns: ColumnSchema[];
  /** raw mode: the partition columns and the scanned files' values from their paths. */
  partitionKeys: PartitionKey[];
  /** Values every scanned file shares (bound). */
  partitionValues: Record<string, string>;
  /** Values that differ between the scanned files: a text SQL expression per key (a joined file column). */
  partitionExpressions?: Record<string, string>;
  day: string | null;
}

class Builder {
  readonly params: Record<string, DuckDBValue> = {};
  readonly checks: RowCheck[] = [];
  readonly missing: string[] = [];
  private readonly types: Map<string, string>;

  constructor(fileColumns: ColumnSchema[]) {
    this.types = new Map(fileColumns.map((c) => [c.name, c.type]));
  }

  /** Binds a value; returns its placeholder. */
  bind(value: DuckDBValue): string {
    const name = `p${Object.keys(this.params).length}`;
    this.params[name] = value;
    return `$${name}`;
  }

  has(column: string): boolean {
    return this.types.has(column);
  }

  typeOf(column: string): string | undefined {
    return this.types.get(column);
  }

  /** A mapped column: `s."c"`, or NULL (and a missing-column finding) when the file lacks it. */
  required(column: string): string {
    if (this.has(column)) return `s.${quoteIdentifier(column)}`;
    if (!this.missing.includes(column)) this.missing.push(column);
    return 'NULL';
  }

  /** Casts a column to `type`, flagging values that do not convert. */
  converted(column: string, type: string, reason = `cannot convert to ${type}`): string {
    const source = this.required(column);
    if (source === 'NULL') return `NULL::${type}`;
    if (this.typeOf(column) === type) return source;
    const cast = this.typeOf(column) === 'JSON' ? fromJson(source, type) : `TRY_CAST(${source} AS ${type})`;
    if (cast === source) return source;
    this.checks.push({ when: `${source} IS NOT NULL AND ${cast} IS NULL`, column, reason });
    return cast;
  }

  /** A column's value as text: a JSON string's own text (not its quoted JSON), anything else cast. */
  text(column: string): string {
    const source = this.required(column);
    if (source === 'NULL') return 'NULL::VARCHAR';
    return this.typeOf(column) === 'JSON' ? `(${source} ->> '$')` : `CAST(${source} AS VARCHAR)`;
  }

  /**
   * A file column named like a partition key (Statsig's `date` in its day folders) is never
   * silently replaced by the folder's value: each value must equal it (a NULL says nothing),
   * or the row is bad, naming both.
   */
  agreesWithFolder(column: string, key: string, type: string, folder: string, folderText: string): void {
    const source = `s.${quoteIdentifier(column)}`;
    const value = this.typeOf(column) === 'JSON' ? fromJson(source, type) : `TRY_CAST(${source} AS ${type})`;
    this.checks.push({
      when: `${source} IS NOT NULL AND (${value}) IS DISTINCT FROM ${folder}`,
      column,
      reason: { sql: `'the file''s value is not its folder''s ' || ${quoteLiteral(`${key}=`)} || ${folderText} || ' (a file column named like a partition key must hold the folder''s value)'` },
    });
  }

  notNull(expression: string, column: string, reason: string): void {
    this.checks.push({ when: `${expression} IS NULL`, column, reason });
  }

  json(columns: string[]): string {
    const present = columns.filter((c) => this.has(c));
    if (present.length === 0) return "'{}'::JSON";
    return `json_object(${present.map((c) => `${quoteLiteral(c)}, s.${quoteIdentifier(c)}`).join(', ')})`;
  }
}

/**
 * A JSON value (NDJSON's columns) as `type`: JSON as is; VARCHAR as a string's own text (other
 * values as their JSON text); nested types by DuckDB's JSON cast; scalars from the value's
 * text, as a CSV value would be (so `"12"` and `12` both fit BIGINT, `12.5` does not).
 */
function fromJson(source: string, type: string): string {
  if (type === 'JSON') return source;
  if (type === 'VARCHAR') return `(${source} ->> '$')`;
  if (/^(STRUCT|MAP|UNION)\(|\[\d*\]$/.test(type)) return `TRY_CAST(${source} AS ${type})`;
  return `TRY_CAST(${source} ->> '$' AS ${type})`;
}

function timestampExpression(b: Builder, spec: TimestampSpec): string {
  const source = b.required(spec.column);
  if (source === 'NULL') return 'NULL::TIMESTAMPTZ';
  // Bound only where used: DuckDB rejects a statement given a parameter it does not use.
  const zone = () => b.bind(spec.timezone);
  const type = b.typeOf(spec.column) ?? 'VARCHAR';
  let expression: string;
  if (spec.format === 'unix-seconds' || spec.format === 'unix-millis') {
    const divisor = spec.format === 'unix-millis' ? ' / 1000' : '';
    expression = `to_timestamp(TRY_CAST(${type === 'JSON' ? b.text(spec.column) : source} AS DOUBLE)${divisor})`;
  } else if (spec.format !== 'iso') {
    // strptime's result type depends on the pattern, so it is inlined (strictly escaped), not bound.
    const parsed = `try_strptime(${b.text(spec.column)}, ${quoteLiteral(spec.format)})`;
    expression = /%z|%Z/.test(spec.format) ? `CAST(${parsed} AS TIMESTAMPTZ)` : `timezone(${zone()}, ${parsed})`;
  } else if (type === 'TIMESTAMP WITH TIME ZONE') {
    expression = source;
  } else if (type.startsWith('TIMESTAMP') || type === 'DATE') {
    expression = `timezone(${zone()}, CAST(${source} AS TIMESTAMP))`;
  } else {
    // Text with an offset or "Z" keeps its offset; a bare local time is read in the mapping's zone.
    const text = b.text(spec.column);
    expression = `CASE WHEN regexp_matches(${text}, '(Z|[+-]\\d{2}(:?\\d{2})?)$') THEN TRY_CAST(${text} AS TIMESTAMPTZ)
      ELSE timezone(${zone()}, TRY_CAST(${text} AS TIMESTAMP)) END`;
  }
  b.checks.push({ when: `${source} IS NULL`, column: spec.column, reason: 'missing timestamp' });
  b.checks.push({ when: `${source} IS NOT NULL AND (${expression}) IS NULL`, column: spec.column, reason: `unparseable timestamp (expected ${spec.format})` });
  return expression;
}

function nameOrConstant(b: Builder, spec: { column: string } | { constant: string }, what: string): string {
  if ('constant' in spec) return b.bind(spec.constant);
  const expression = b.text(spec.column);
  b.notNull(expression, spec.column, `missing ${what}`);
  return expression;
}

function eventsSelects(b: Builder, m: EventsMapping, fileColumns: ColumnSchema[]): string[] {
  const eventName = nameOrConstant(b, m.eventName, 'event name');
  const userId = m.userId ? b.text(m.userId) : 'NULL::VARCHAR';
  const unitEntries = Object.entries(m.unitIds);
  const unitIds = unitEntries.length === 0
    ? "'{}'::JSON"
    : `json_object(${unitEntries.map(([idType, column]) => `${quoteLiteral(idType)}, ${b.text(column)}`).join(', ')})`;
  const ids = [userId, ...unitEntries.map(([, column]) => b.text(column))];
  b.checks.push({
    when: ids.map((id) => `${id} IS NULL`).join(' AND '),
    column: m.userId ?? unitEntries[0]![1],
    reason: 'no unit id (every mapped id is empty)',
  });
  const timestamp = timestampExpression(b, m.timestamp);
  const value = m.value ? b.text(m.value) : 'NULL::VARCHAR';
  const mapped = new Set([
    'column' in m.eventName ? m.eventName.column : '', m.userId ?? '', ...unitEntries.map(([, c]) => c), m.timestamp.column, m.value ?? '',
  ]);
  const properties = m.properties ?? fileColumns.map((c) => c.name).filter((c) => !mapped.has(c));
  return [
    `${eventName} AS event_name`, `${userId} AS user_id`, `${unitIds} AS unit_ids`, `${timestamp} AS "timestamp"`,
    `${value} AS "value"`, `${b.json(properties)} AS properties`,
  ];
}

function metricsSelects(b: Builder, m: MetricsMapping, day: string | null): string[] {
  const unitId = b.text(m.unitId);
  b.notNull(unitId, m.unitId, 'missing unit id');
  const date = m.date ? b.converted(m.date, 'DATE') : `${b.bind(day)}::DATE`;
  if (m.date) b.notNull(date, m.date, 'missing date');
  const metricName = nameOrConstant(b, m.metricName, 'metric name');
  const value = b.converted(m.value, 'DOUBLE');
  return [
    `${unitId} AS unit_id`, `${b.bind(m.unitType)} AS unit_type`, `${date} AS "date"`,
    `${metricName} AS metric_name`, `${value} AS "value"`,
  ];
}

function rawSelects(b: Builder, ctx: ProjectionContext): string[] {
  const selects = ctx.dataColumns.map((c) => {
    const type = checkedType(c.type, `column "${c.name}"`);
    const expression = b.has(c.name) ? b.converted(c.name, type) : `NULL::${type}`;
    return `${expression} AS ${quoteIdentifier(c.name)}`;
  });
  for (const key of ctx.partitionKeys) {
    const type = checkedType(key.type, `partition key "${key.name}"`);
    const value = ctx.partitionValues[key.name];
    const expression = ctx.partitionExpressions?.[key.name] ?? (value === undefined ? undefined : b.bind(value));
    const folder = `${expression === undefined ? 'NULL' : `TRY_CAST(${expression} AS ${type})`}::${type}`;
    selects.push(`${folder} AS ${quoteIdentifier(key.name)}`);
    const fileColumn = ctx.fileColumns.find((c) => c.name.toLowerCase() === key.name.toLowerCase());
    if (fileColumn && expression !== undefined) b.agreesWithFolder(fileColumn.name, key.name, type, folder, expression);
  }
  return selects;
}

/** Builds the mapping of one file: data columns per mode (lineage is added by the caller). */
export function buildProjection(ctx: ProjectionContext): Projection {
  const b = new Builder(ctx.fileColumns);
  const { mapping } = ctx;
  const selects = mapping.mode === 'raw'
    ? rawSelects(b, ctx)
    : mapping.mode === 'events'
      ? eventsSelects(b, mapping.events, ctx.fileColumns)
      : metricsSelects(b, mapping.metrics, ctx.day);
  return { selects, checks: b.checks, params: b.params, missing: b.missing };
}
