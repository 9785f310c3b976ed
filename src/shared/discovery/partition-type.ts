import { parseDayFolder } from '../layout/day-folder';

/**
 * The type of a Hive partition column, from every value found (not a sample):
 * DATE when all are ISO days, BIGINT when all are integers, DOUBLE when all are numbers, else VARCHAR.
 */
export function partitionType(values: string[]): string {
  if (values.length === 0) return 'VARCHAR';
  if (values.every((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && parseDayFolder(v)?.format === 'YYYY-MM-DD')) return 'DATE';
  if (values.every((v) => /^-?\d{1,18}$/.test(v))) return 'BIGINT';
  if (values.every((v) => /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v))) return 'DOUBLE';
  return 'VARCHAR';
}
