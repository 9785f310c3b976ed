import { describe, expect, it } from 'vitest';
import type { DiscoveredTable, FileFormat } from '../../../src/workflow-safe/catalog/discovered-table';
import { schemaFormatProblems } from '../../../src/workflow-safe/discovery/schema-format';

const table = (name: string, format: FileFormat): DiscoveredTable => ({
  connection: 'c', name, prefix: `${name}/`, layout: 'hive', format, partitionKeys: [], columns: [], fileCount: 1, totalBytes: 1,
  discoveredAt: '2026-01-01T00:00:00.000Z', sampledFiles: [`${name}/part-0`],
});

describe('one format per schema', () => {
  it('counts CSV and TSV, gzipped or not, as one format (the formats module\'s family)', () => {
    const { schemaProblems, tableProblems } = schemaFormatProblems([table('a', 'csv'), table('b', 'tsv'), table('c', 'tsv.gz'), table('d', 'csv.gz')]);
    expect([schemaProblems, [...tableProblems]]).toEqual([[], []]);
  });

  it('names a table of another family by its own family', () => {
    const { tableProblems } = schemaFormatProblems([table('a', 'csv'), table('b', 'tsv'), table('e', 'ndjson')]);
    expect([...tableProblems.values()].map((p) => p.message)).toEqual([
      'this table is ndjson while the schema is csv (one format per schema): 1 ndjson files, e.g. e/part-0',
    ]);
  });
});
