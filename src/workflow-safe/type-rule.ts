import { ApplicationFailure } from '@temporalio/common';
import { INVALID_COLUMN_TYPE } from './failure-types';

/**
 * The one rule for DuckDB column types, used by discovery (merging sampled files), drift
 * detection (does a file's type fit the table's?) and the commit (evolving the warehouse
 * table): "fits" says values of one type go into a column of another without loss; "widen"
 * gives the narrowest type holding both. Pinned by test/workflow-safe/type-rule.test.ts.
 */

const SIGNED = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT'];
const UNSIGNED = ['UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT'];
/** Bits of each integer type's range (unsigned: value bits; signed: value bits without the sign). */
const RANGE_BITS: Record<string, number> = {
  TINYINT: 7, SMALLINT: 15, INTEGER: 31, BIGINT: 63, HUGEINT: 127,
  UTINYINT: 8, USMALLINT: 16, UINTEGER: 32, UBIGINT: 64, UHUGEINT: 128,
};
/** Decimal digits an integer type needs (for DECIMAL targets). */
const DIGITS: Record<string, number> = {
  TINYINT: 3, SMALLINT: 5, INTEGER: 10, BIGINT: 19, HUGEINT: 39,
  UTINYINT: 3, USMALLINT: 5, UINTEGER: 10, UBIGINT: 20, UHUGEINT: 39,
};
const TIMESTAMPS = ['TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP', 'TIMESTAMP_NS'];
const TIMESTAMP_TZ = 'TIMESTAMP WITH TIME ZONE';
const NULL_TYPES = ['NULL', '"NULL"'];

type Family = 'signed' | 'unsigned' | 'float' | 'decimal' | 'temporal' | 'nested' | 'json' | 'text' | 'other';

function family(type: string): Family {
  if (SIGNED.includes(type)) return 'signed';
  if (UNSIGNED.includes(type)) return 'unsigned';
  if (type === 'FLOAT' || type === 'DOUBLE') return 'float';
  if (decimal(type)) return 'decimal';
  if (type === 'DATE' || TIMESTAMPS.includes(type) || type === TIMESTAMP_TZ) return 'temporal';
  if (type === 'JSON') return 'json';
  if (type === 'VARCHAR') return 'text';
  if (/^(STRUCT|MAP|UNION)\(/.test(type) || /\[\d*\]$/.test(type)) return 'nested';
  return 'other';
}

function decimal(type: string): { precision: number; scale: number } | undefined {
  const match = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(type);
  return match ? { precision: Number(match[1]), scale: Number(match[2]) } : undefined;
}

const isInteger = (f: Family) => f === 'signed' || f === 'unsigned';
const isNumeric = (f: Family) => isInteger(f) || f === 'float' || f === 'decimal';

function integerFits(from: string, to: string): boolean {
  const [fromSigned, toSigned] = [SIGNED.includes(from), SIGNED.includes(to)];
  // A signed type's negative values never fit an unsigned one.
  if (fromSigned && !toSigned) return false;
  return RANGE_BITS[from]! <= RANGE_BITS[to]!;
}

/**
 * Whether values of type `from` fit a column of type `to` without loss: the same type; NULL;
 * anything into VARCHAR (as text); anything but text and BLOB into JSON; an integer into an integer type whose range holds
 * it (signed into unsigned never); an integer into a DECIMAL with enough integer digits; any
 * number into DOUBLE; FLOAT into DOUBLE; a DECIMAL into one with as many integer and fraction
 * digits; DATE into a timestamp; a timestamp into a finer one or into TIMESTAMPTZ (naive
 * timestamps are UTC in s3bridge). Everything else (text into a number, TIMESTAMPTZ into
 * TIMESTAMP, one nested type into another) does not fit: that is drift.
 */
export function fitsType(from: string, to: string): boolean {
  if (from === to || NULL_TYPES.includes(from) || to === 'VARCHAR') return true;
  const [f, t] = [family(from), family(to)];
  // Text is JSON only when it is JSON text: a VARCHAR does not fit a JSON column.
  if (to === 'JSON') return f !== 'text' && from !== 'BLOB';
  if (isInteger(f) && isInteger(t)) return integerFits(from, to);
  if (to === 'DOUBLE' && isNumeric(f)) return true;
  if (isInteger(f) && t === 'decimal') {
    const target = decimal(to)!;
    return DIGITS[from]! <= target.precision - target.scale;
  }
  if (f === 'decimal' && t === 'decimal') {
    const [fd, td] = [decimal(from)!, decimal(to)!];
    return fd.scale <= td.scale && fd.precision - fd.scale <= td.precision - td.scale;
  }
  if (f === 'temporal' && t === 'temporal') {
    if (from === 'DATE') return true;
    if (to === TIMESTAMP_TZ) return from !== 'DATE';
    return TIMESTAMPS.indexOf(from) >= 0 && TIMESTAMPS.indexOf(from) <= TIMESTAMPS.indexOf(to);
  }
  return false;
}

/** The narrowest signed integer type holding two integer types (unsigned ones included). */
function widenIntegers(a: string, b: string): string | undefined {
  const bits = Math.max(...[a, b].map((t) => RANGE_BITS[t]! + (UNSIGNED.includes(t) ? 1 : 0)));
  return SIGNED.find((t) => RANGE_BITS[t]! + 1 >= bits);
}

/**
 * The narrowest type holding both `a` and `b` (the order does not matter). When one fits the
 * other, the other; two integers: the signed integer holding both (INTEGER + UINTEGER =
 * BIGINT); DECIMALs: one with enough digits for both (at most 38, else DOUBLE); other numbers:
 * DOUBLE; DATE and timestamps: TIMESTAMP, or TIMESTAMPTZ if either has a zone; two nested
 * types, or JSON and anything: JSON; anything else: `fallback`. The fallback is VARCHAR for
 * formats whose values are text anyway (CSV, Parquet's strings); NDJSON passes JSON, so a key
 * whose values are numbers in one file and strings in another keeps each value's JSON text.
 */
export function widenType(a: string, b: string, fallback: 'VARCHAR' | 'JSON' = 'VARCHAR'): string {
  // With JSON as the fallback, text does not absorb other types: a number and a string meet in JSON.
  const absorbs = (from: string, to: string) => fitsType(from, to)
    && !(fallback === 'JSON' && to === 'VARCHAR' && from !== 'VARCHAR' && !NULL_TYPES.includes(from));
  if (absorbs(a, b)) return b;
  if (absorbs(b, a)) return a;
  const [fa, fb] = [family(a), family(b)];
  if (isInteger(fa) && isInteger(fb)) return widenIntegers(a, b) ?? 'DOUBLE';
  if ((fa === 'decimal' || isInteger(fa)) && (fb === 'decimal' || isInteger(fb))) {
    const digits = (t: string) => decimal(t) ?? { precision: DIGITS[t]!, scale: 0 };
    const [da, db] = [digits(a), digits(b)];
    const scale = Math.max(da.scale, db.scale);
    const precision = Math.max(da.precision - da.scale, db.precision - db.scale) + scale;
    return precision <= 38 ? `DECIMAL(${precision},${scale})` : 'DOUBLE';
  }
  if (isNumeric(fa) && isNumeric(fb)) return 'DOUBLE';
  if (fa === 'temporal' && fb === 'temporal') return a === TIMESTAMP_TZ || b === TIMESTAMP_TZ ? TIMESTAMP_TZ : 'TIMESTAMP';
  if ((fa === 'json' && fitsType(b, 'JSON')) || (fb === 'json' && fitsType(a, 'JSON')) || (fa === 'nested' && fb === 'nested')) return 'JSON';
  return fallback;
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
