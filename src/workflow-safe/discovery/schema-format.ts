import type { DiscoveredTable, FileFormat } from '../catalog/discovered-table';
import { FORMATS, type FormatFacts } from '../formats/file-format';
import { nameFew, type DiscoveryProblem } from './discovery-problem';

type Family = FormatFacts['family'];

/** Gzipped or not, CSV (and TSV) is one format to Permutive; so is NDJSON. */
function familyOf(format: FileFormat): Family {
  return FORMATS[format].family;
}

/**
 * Permutive reads one format per schema: the format most tables have is the schema's, and
 * each table in another is named with example files. Segment source folders are left out of
 * the count (their exporter decides their format).
 */
export function schemaFormatProblems(tables: DiscoveredTable[]): { schemaProblems: DiscoveryProblem[]; tableProblems: Map<string, DiscoveryProblem> } {
  const considered = tables.filter((t) => t.layout !== 'segment-logs');
  const byFamily = new Map<Family, DiscoveredTable[]>();
  for (const t of considered) byFamily.set(familyOf(t.format), [...(byFamily.get(familyOf(t.format)) ?? []), t]);
  const ranked = [...byFamily.entries()].sort((a, b) => b[1].length - a[1].length
    || b[1].reduce((n, t) => n + t.fileCount, 0) - a[1].reduce((n, t) => n + t.fileCount, 0) || a[0].localeCompare(b[0]));
  const tableProblems = new Map<string, DiscoveryProblem>();
  if (ranked.length < 2) return { schemaProblems: [], tableProblems };
  const [schemaFamily, ...others] = ranked;
  for (const [family, odd] of others) {
    for (const t of odd) {
      const files = t.sampledFiles ?? [];
      tableProblems.set(t.name, {
        kind: 'mixed-format',
        message: `this table is ${family} while the schema is ${schemaFamily![0]} (one format per schema): ${t.fileCount} ${family} files, e.g. ${nameFew(files, t.fileCount)}`,
        files,
        fileCount: t.fileCount,
      });
    }
  }
  const oddTables = others.flatMap(([family, odd]) => odd.map((t) => `${t.name} (${family})`));
  return {
    schemaProblems: [{
      kind: 'mixed-format',
      message: `mixed formats in one schema: ${schemaFamily![1].length} ${schemaFamily![0]} table${schemaFamily![1].length === 1 ? '' : 's'}, and ${nameFew(oddTables)}`,
    }],
    tableProblems,
  };
}
