import { describe, expect, it } from 'vitest';
import { extensionFits, extensionsFor, formatFromKey, magicOf, textKind } from '../../src/workflow-safe/formats/file-format';
import { chooseTableFormat } from '../../src/workflow-safe/discovery/table-format';

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

  it('chooses the format most files have and names the odd ones', () => {
    const file = (key: string) => ({ key, size: 1, lastModified: 0 });
    const result = chooseTableFormat({ dataFiles: [file('a.parquet'), file('b.parquet'), file('c.csv'), file('notes')], connectionFormat: 'auto', segmentSource: false });
    expect(result.format).toBe('parquet');
    expect(result.files.map((f) => f.key)).toEqual(['a.parquet', 'b.parquet']);
    expect(result.problems.map((p) => p.message)).toEqual([
      "1 file without a data file extension left out (set the connection's format to read them): notes",
      '1 csv file in a parquet table left out (one format per table): c.csv',
    ]);
    expect(chooseTableFormat({ dataFiles: [file('x.gz')], connectionFormat: 'auto', segmentSource: true }).format).toBe('ndjson.gz');
    expect(chooseTableFormat({ dataFiles: [file('x.gz')], connectionFormat: 'csv.gz', segmentSource: false }).format).toBe('csv.gz');
  });
});
