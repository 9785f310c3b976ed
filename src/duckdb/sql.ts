/** Quotes an identifier for DuckDB SQL: wraps in double quotes, doubling any inside. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A schema-qualified name, each part quoted. */
export function qualifiedName(...parts: string[]): string {
  return parts.map(quoteIdentifier).join('.');
}

/**
 * A strictly escaped string literal, for the few places DuckDB cannot bind a value
 * (DDL such as ATTACH paths). Prefer bound parameters everywhere else.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('string literal contains a NUL byte');
  return `'${value.replaceAll("'", "''")}'`;
}
