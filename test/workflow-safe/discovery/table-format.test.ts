import { describe, expect, it } from 'vitest';
import { chooseTableFormat } from '../../../src/workflow-safe/discovery/table-format';

describe('a table\'s format', () => {
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
