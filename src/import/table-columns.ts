import type { ColumnSchema, DiscoveredTable } from '../workflow-safe/catalog/discovered-table';
import type { ImportMapping } from '../workflow-safe/import/mapping';
import { ApplicationFailure } from '@temporalio/common';
import { INVALID_MAPPING } from '../workflow-safe/failure-types';

/** The table's data columns: discovery lists data columns then partition columns. */
export function dataColumns(table: DiscoveredTable): ColumnSchema[] {
  const partitions = new Set(table.partitionKeys.map((k) => k.name));
  return table.columns.filter((c) => !partitions.has(c.name));
}

/** The source columns a mapping reads. */
function mappedColumns(mapping: ImportMapping): string[] {
  if (mapping.mode === 'raw') return [];
  if (mapping.mode === 'events') {
    const m = mapping.events;
    return [
      ...('column' in m.eventName ? [m.eventName.column] : []), ...(m.userId ? [m.userId] : []), ...Object.values(m.unitIds),
      m.timestamp.column, ...(m.value ? [m.value] : []), ...(m.properties ?? []),
    ];
  }
  const m = mapping.metrics;
  return [m.unitId, ...(m.date ? [m.date] : []), ...('column' in m.metricName ? [m.metricName.column] : []), m.value];
}

/** Rejects a mapping that names columns the table does not have, before any day is loaded. */
export function checkMapping(table: DiscoveredTable, mapping: ImportMapping): void {
  const known = new Set(table.columns.map((c) => c.name));
  const unknown = [...new Set(mappedColumns(mapping))].filter((c) => !known.has(c));
  const problems = unknown.map((c) => `column "${c}" is not in table "${table.name}"`);
  if (mapping.mode === 'metrics' && !mapping.metrics.date && !table.dayKey) {
    problems.push(`table "${table.name}" has no day partition, so the metrics mapping needs a "date" column`);
  }
  if (problems.length === 0) return;
  throw ApplicationFailure.create({
    type: INVALID_MAPPING,
    nonRetryable: true,
    message: `invalid ${mapping.mode} mapping: ${problems.join('; ')} (its columns: ${table.columns.map((c) => c.name).join(', ')})`,
  });
}
