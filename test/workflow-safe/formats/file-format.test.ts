import { describe, expect, it } from 'vitest';
import { extensionFits, extensionsFor, formatFromKey, magicOf, textKind } from '../../../src/workflow-safe/formats/file-format';

describe('file formats', () => {
  it('reads extensions, leaving a bare .gz to sniffing', () => {
    expect(['a.parquet', 'a.csv', 'a.csv.gz', 'a.json', 'a.ndjson.gz', 'a.jsonl', 'a.gz', 'a.txt'].map(formatFromKey))
      .toEqual(['parquet', 'csv', 'csv.gz', 'ndjson', 'ndjson.gz', 'ndjson', 'gz', undefined]);
  });

  it('gives TSV its own format and reads .pq as Parquet, the same for discovery, validation and import', () => {
    expect(['a.tsv', 'a.TSV.gz', 'a.pq', 'a.parq', 'a.tab'].map(formatFromKey)).toEqual(['tsv', 'tsv.gz', 'parquet', 'parquet', 'tsv']);
    expect(extensionsFor('parquet')).toEqual(['.parquet', '.parq', '.pq']);
    expect(extensionsFor('tsv.gz')).toEqual(['.tsv.gz', '.tab.gz', '.gz', '.gzip']);
    expect([extensionFits('x.gz', 'csv.gz'), extensionFits('x.gz', 'ndjson.gz'), extensionFits('x.csv', 'tsv'), extensionFits('x.pq', 'parquet')])
      .toEqual([true, true, false, true]);
  });

  it('reads magic bytes and text kinds', () => {
    expect(magicOf(Buffer.from('PAR1xxxx'))).toBe('parquet');
    expect(magicOf(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    expect(magicOf(Buffer.from('id,name\n'))).toBe('text');
    expect(textKind('  {"a":1}\n')).toBe('ndjson');
    expect(textKind('\uFEFF{"a":1}\n')).toBe('ndjson');
    expect(textKind('a,b\n1,2\n')).toBe('csv');
  });
});
