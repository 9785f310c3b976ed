/**
 * Widens two DuckDB column types to one that holds both, where that is safe:
 * integers to the wider integer, integers and floats to DOUBLE, DATE and TIMESTAMP to
 * TIMESTAMP, nested types that disagree to JSON, anything else to VARCHAR.
 */
const INTEGER_RANK = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT'];
const UNSIGNED_RANK = ['UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT'];
const FLOATS = ['FLOAT', 'DOUBLE'];

function isNested(type: string): boolean {
  return /^(STRUCT|MAP|UNION)\(|\[\]$/.test(type) || type === 'JSON';
}

function family(type: string): 'int' | 'uint' | 'float' | 'decimal' | 'date' | 'other' {
  if (INTEGER_RANK.includes(type)) return 'int';
  if (UNSIGNED_RANK.includes(type)) return 'uint';
  if (FLOATS.includes(type)) return 'float';
  if (type.startsWith('DECIMAL')) return 'decimal';
  if (type === 'DATE' || type.startsWith('TIMESTAMP')) return 'date';
  return 'other';
}

export function widenType(a: string, b: string): string {
  if (a === b) return a;
  if (a === 'NULL' || a === '"NULL"') return b;
  if (b === 'NULL' || b === '"NULL"') return a;
  const fa = family(a);
  const fb = family(b);
  if (fa === 'int' && fb === 'int') return INTEGER_RANK[Math.max(INTEGER_RANK.indexOf(a), INTEGER_RANK.indexOf(b))]!;
  if (fa === 'uint' && fb === 'uint') return UNSIGNED_RANK[Math.max(UNSIGNED_RANK.indexOf(a), UNSIGNED_RANK.indexOf(b))]!;
  // A signed and an unsigned integer: BIGINT holds all but UBIGINT's upper half, which is rare in event data.
  if ((fa === 'int' || fa === 'uint') && (fb === 'int' || fb === 'uint')) return a === 'HUGEINT' || b === 'HUGEINT' || a === 'UBIGINT' || b === 'UBIGINT' ? 'HUGEINT' : 'BIGINT';
  const numeric = ['int', 'uint', 'float', 'decimal'];
  if (numeric.includes(fa) && numeric.includes(fb)) return 'DOUBLE';
  if (fa === 'date' && fb === 'date') return a.startsWith('TIMESTAMP WITH') || b.startsWith('TIMESTAMP WITH') ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP';
  if (isNested(a) && isNested(b)) return 'JSON';
  return 'VARCHAR';
}
