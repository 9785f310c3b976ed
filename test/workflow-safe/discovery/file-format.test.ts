import { describe, expect, it } from 'vitest';
import { formatFromKey, magicOf, textKind } from '../../../src/workflow-safe/discovery/file-format';

describe('file formats', () => {
  it('reads extensions, leaving a bare .gz to sniffing', () => {
    expect(['a.parquet', 'a.csv', 'a.csv.gz', 'a.json', 'a.ndjson.gz', 'a.jsonl', 'a.gz', 'a.txt'].map(formatFromKey))
      .toEqual(['parquet', 'csv', 'csv.gz', 'ndjson', 'ndjson.gz', 'ndjson', 'gz', undefined]);
  });

  it('reads magic bytes and text kinds', () => {
    expect(magicOf(Buffer.from('PAR1xxxx'))).toBe('parquet');
    expect(magicOf(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    expect(magicOf(Buffer.from('id,name\n'))).toBe('text');
    expect(textKind('  {"a":1}\n')).toBe('ndjson');
    expect(textKind('a,b\n1,2\n')).toBe('csv');
  });
});
