import { MAX_SERIES_LENGTH, MAX_STRUCTURE_DEPTH, QUERY_FUNCTIONS, SIZED_FUNCTIONS, STRUCTURED_FUNCTIONS, UNBOUNDED_FUNCTIONS } from './query-functions';

/**
 * What a `s3bridge sql` query may name, by construction: the tables and views of the warehouse
 * itself (the embedded file, or the lake in the shared setup), the query's own CTEs, and the
 * functions in QUERY_FUNCTIONS. Everything else a SELECT can reach (settings through
 * `current_setting` or `pg_settings`, another attached catalog, a file through a table function
 * or a replacement scan such as `FROM "<dir>/file".csv`) is simply not nameable.
 */
export interface QueryScope {
  /** The warehouse's catalog (current_database()), lower-cased. */
  database: string;
  /** `schema.name` of the warehouse's own tables and views, lower-cased. */
  own: ReadonlySet<string>;
  /** `schema.name` of every object in the other catalogs on the search path (temp, system), lower-cased. */
  elsewhere: ReadonlySet<string>;
  /** Names of every attached catalog (a two-part name `x.t` could mean catalog x). */
  catalogs: ReadonlySet<string>;
  /** Functions and macros defined outside DuckDB's system catalog: they would shadow a system function. */
  userFunctions: ReadonlySet<string>;
}

/** Why the query is refused, for the user: what it named and what may be named instead. */
export class QueryRefusal extends Error {}

const QUERY_NODES = new Set(['SELECT_NODE', 'SET_OPERATION_NODE', 'RECURSIVE_CTE_NODE', 'CTE_NODE']);
const TABLE_REFS = new Set(['BASE_TABLE', 'JOIN', 'SUBQUERY', 'EXPRESSION_LIST', 'EMPTY', 'EMPTY_FROM']);
/** The other table reference types DuckDB has: each refused. */
const OTHER_TABLE_REFS = new Set(['TABLE_FUNCTION', 'PIVOT', 'SHOW_REF', 'COLUMN_DATA', 'DELIM_GET', 'BOUND_TABLE_REF', 'CTE', 'INVALID']);
const EXPRESSIONS = new Set([
  'CONSTANT', 'COLUMN_REF', 'FUNCTION', 'WINDOW', 'AGGREGATE', 'CAST', 'CASE', 'COMPARISON', 'CONJUNCTION', 'OPERATOR',
  'BETWEEN', 'SUBQUERY', 'STAR', 'LAMBDA', 'LAMBDA_REF', 'COLLATE', 'POSITIONAL_REFERENCE',
]);
const PLAIN_NAME = /^[^./\\:*?]+$/;

const READS = 'it reads the warehouse\'s own tables and views only (schema.table, e.g. s3bridge.load_ledger or raw."shop__events")';

function refuse(message: string): never {
  throw new QueryRefusal(message);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** `a.b.c` as the user wrote it, for messages. */
function written(...parts: string[]): string {
  return parts.filter(Boolean).map((p) => (/^[a-z_][a-z0-9_]*$/i.test(p) ? p : JSON.stringify(p))).join('.');
}

/** Every CTE name the statement defines, anywhere (used conservatively: see checkTable). */
function cteNames(node: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) cteNames(item, names);
  } else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    const map = (record.cte_map as { map?: { key?: unknown }[] } | undefined)?.map;
    for (const entry of map ?? []) {
      const name = text(entry.key);
      // A CTE named like a file would turn into a replacement scan wherever DuckDB does not see it as the CTE.
      if (!PLAIN_NAME.test(name)) refuse(`the CTE name ${JSON.stringify(name)} is not allowed: name CTEs with letters, digits and _`);
      names.add(name.toLowerCase());
    }
    for (const value of Object.values(record)) cteNames(value, names);
  }
  return names;
}

/**
 * Where DuckDB's binder takes a table name from: a CTE first (unqualified names only), then the
 * search path temp.main, <warehouse>.main, system.main, system.pg_catalog; `x.t` may also be
 * catalog x. The rules below accept a name only when every reading of it lands on the
 * warehouse's own object (or, for a CTE name, on nothing outside the warehouse).
 */
function checkTable(ref: Record<string, unknown>, scope: QueryScope, ctes: Set<string>): void {
  const catalog = text(ref.catalog_name).toLowerCase();
  const schema = text(ref.schema_name).toLowerCase();
  const name = text(ref.table_name).toLowerCase();
  const shown = written(text(ref.catalog_name), text(ref.schema_name), text(ref.table_name));
  const refused = () => refuse(`${shown} is not a table of the warehouse: ${READS}`);
  if (catalog) {
    if (catalog !== scope.database || !scope.own.has(`${schema}.${name}`)) refused();
    return;
  }
  if (schema) {
    // temp.<schema> is searched first; a schema named like a catalog could be read as that catalog.
    if (!scope.own.has(`${schema}.${name}`) || scope.elsewhere.has(`${schema}.${name}`) || scope.catalogs.has(schema)) refused();
    return;
  }
  const inMain = `main.${name}`;
  const pgCatalog = `pg_catalog.${name}`;
  if (scope.elsewhere.has(inMain) || scope.elsewhere.has(pgCatalog)) {
    // Only the warehouse's own object may win over system and temp objects of the same name, and it never wins over temp.
    refused();
  }
  if (ctes.has(name)) return;
  if (!scope.own.has(inMain)) refused();
}

function checkFunction(expression: Record<string, unknown>, scope: QueryScope): void {
  const name = text(expression.function_name);
  const lower = name.toLowerCase();
  // DuckDB's parser writes some rewrites qualified (`AT TIME ZONE` is main.timezone): system's schemas only.
  if (!['', 'system'].includes(text(expression.catalog).toLowerCase()) || !['', 'main', 'pg_catalog'].includes(text(expression.schema).toLowerCase())) {
    refuse(`${written(text(expression.catalog), text(expression.schema), name)}() is not allowed: call functions by their plain name`);
  }
  if (scope.userFunctions.has(lower)) refuse(`the function ${name}() is not allowed: ${PURE_ONLY}`);
  const unbounded = UNBOUNDED_FUNCTIONS.get(lower);
  if (unbounded) refuse(`the function ${name}() is not allowed: ${unbounded}`);
  const args = Array.isArray(expression.children) ? expression.children as unknown[] : [];
  const sized = SIZED_FUNCTIONS.get(lower);
  if (sized) {
    const value = integerConstant(args[sized.argument]);
    if (value === undefined || value > sized.max) {
      refuse(`${name}() is allowed with a constant ${sized.what} of at most ${sized.max}: a larger or computed one could exhaust the worker's memory past DuckDB's memory_limit`);
    }
    return;
  }
  if (lower === 'range' || lower === 'generate_series') {
    const values = args.map(integerConstant);
    const length = values.includes(undefined) ? undefined : seriesLength(values as number[], lower === 'generate_series');
    if (length === undefined || length > MAX_SERIES_LENGTH) {
      refuse(`${name}() is allowed with constant integer arguments giving at most ${MAX_SERIES_LENGTH} elements: a larger or computed one could exhaust the worker's memory past DuckDB's memory_limit`);
    }
    return;
  }
  if (STRUCTURED_FUNCTIONS.has(lower)) {
    const structure = stringConstant(args[1]);
    if (structure === undefined || nestingDepth(structure) > MAX_STRUCTURE_DEPTH) {
      refuse(`${name}() is allowed with a constant structure nested at most ${MAX_STRUCTURE_DEPTH} deep: DuckDB builds the type recursively, and a deeper one overflows the worker's stack and kills it`);
    }
  }
  if (!QUERY_FUNCTIONS.has(lower)) refuse(`the function ${name}() is not allowed: ${PURE_ONLY}`);
}

/** A non-NULL literal's value (DuckDB's parser folds a leading minus into a number), or undefined. */
function constantValue(node: unknown): unknown {
  const record = node as { class?: unknown; value?: { is_null?: unknown; value?: unknown } } | undefined;
  return record?.class === 'CONSTANT' && record.value?.is_null === false ? record.value.value : undefined;
}

/** A string literal's value, or undefined. */
function stringConstant(node: unknown): string | undefined {
  const value = constantValue(node);
  return typeof value === 'string' ? value : undefined;
}

/** How deep `[` and `{` nest in a JSON text, strings skipped (an upper bound for text that is not JSON). */
function nestingDepth(json: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < json.length; i += 1) {
    const c = json[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '[' || c === '{') {
      depth += 1;
      deepest = Math.max(deepest, depth);
    } else if (c === ']' || c === '}') {
      depth -= 1;
    }
  }
  return deepest;
}

const PURE_ONLY = 's3bridge sql computes with pure functions only (no settings, variables, files or URLs)';

/** An integer literal's value, or undefined. */
function integerConstant(node: unknown): number | undefined {
  const value = constantValue(node);
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

/** How many elements range(...) (end excluded) or generate_series(...) (end included) returns. */
function seriesLength(args: number[], inclusive: boolean): number | undefined {
  const [start, end, step] = args.length === 1 ? [0, args[0]!, 1] : [args[0]!, args[1]!, args[2] ?? 1];
  if (args.length < 1 || args.length > 3 || step === 0) return undefined;
  const span = (end - start) / step;
  if (span < 0) return 0;
  return Math.floor(span) + (inclusive || !Number.isInteger(span) ? 1 : 0);
}

function walk(node: unknown, scope: QueryScope, ctes: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, scope, ctes);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const kind = text(record.class);
  const type = text(record.type);
  if (kind) {
    if (!EXPRESSIONS.has(kind)) refuse(`${kind.toLowerCase().replaceAll('_', ' ')} expressions are not allowed in s3bridge sql`);
    if (kind === 'FUNCTION' || kind === 'WINDOW' || kind === 'AGGREGATE') checkFunction(record, scope);
  } else if (type.endsWith('_NODE')) {
    if (!QUERY_NODES.has(type)) refuse(`${type} queries are not allowed: give one SELECT`);
  } else if (TABLE_REFS.has(type) || OTHER_TABLE_REFS.has(type)) {
    if (type === 'TABLE_FUNCTION') {
      const fn = text((record.function as { function_name?: unknown } | undefined)?.function_name);
      refuse(`the table function ${fn}() is not allowed: ${READS}, not files, URLs or DuckDB's own tables`);
    }
    if (type === 'SHOW_REF') refuse(`DESCRIBE, SUMMARIZE and SHOW are not allowed: ${READS}`);
    if (!TABLE_REFS.has(type)) refuse(`${type} is not allowed in s3bridge sql: ${READS}`);
    if (type === 'BASE_TABLE') checkTable(record, scope, ctes);
  }
  for (const value of Object.values(record)) walk(value, scope, ctes);
}

/** Throws a QueryRefusal naming the first thing the parsed statement names that it may not. */
export function checkQueryTree(statement: unknown, scope: QueryScope): void {
  walk(statement, scope, cteNames(statement));
}
