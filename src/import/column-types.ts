import { ApplicationFailure } from '@temporalio/common';
import { INVALID_COLUMN_TYPE } from '../workflow-safe/failure-types';

const INTEGERS = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT'];
const NUMERIC = [...INTEGERS, 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'FLOAT', 'DOUBLE'];

/**
 * Whether values of type `from` fit a column of type `to` without loss: the same type, a
 * wider integer, any number into DOUBLE, anything into VARCHAR or JSON. Otherwise it is drift.
 */
export function fitsType(from: string, to: string): boolean {
  if (from === to || to === 'VARCHAR' || to === 'JSON' || from === '"NULL"' || from === 'NULL') return true;
  const fi = INTEGERS.indexOf(from);
  const ti = INTEGERS.indexOf(to);
  if (fi >= 0 && ti >= 0) return fi <= ti;
  if (to === 'DOUBLE' && (NUMERIC.includes(from) || from.startsWith('DECIMAL'))) return true;
  if (from === 'DATE' && to.startsWith('TIMESTAMP')) return true;
  const [fd, td] = [decimal(from), decimal(to)];
  // A decimal fits another with as many integer digits and as many fraction digits.
  if (fd && td) return fd.scale <= td.scale && fd.precision - fd.scale <= td.precision - td.scale;
  return false;
}

function decimal(type: string): { precision: number; scale: number } | undefined {
  const match = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(type);
  return match ? { precision: Number(match[1]), scale: Number(match[2]) } : undefined;
}

/** The narrowest type holding both (the target of an evolved column). */
export function widenColumnType(a: string, b: string): string {
  if (fitsType(b, a)) return a;
  if (fitsType(a, b)) return b;
  const numeric = (t: string) => NUMERIC.includes(t) || decimal(t) !== undefined;
  if (numeric(a) && numeric(b)) return 'DOUBLE';
  return 'VARCHAR';
}

/**
 * Types come from the catalog and end up in SQL text (casts and DDL cannot bind a type):
 * accept only what DuckDB's DESCRIBE prints, never quotes that could end a literal or a statement.
 */
export function checkedType(type: string, where: string): string {
  if (/^[A-Za-z0-9_ ,()[\]"]+$/.test(type) && !type.includes('--')) return type;
  throw ApplicationFailure.create({
    type: INVALID_COLUMN_TYPE,
    nonRetryable: true,
    message: `${where}: the catalog holds an unexpected column type ${JSON.stringify(type)}; re-run discovery`,
  });
}
