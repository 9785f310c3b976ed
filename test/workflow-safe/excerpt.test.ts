import { describe, expect, it } from 'vitest';
import { excerpt, scrubValues } from '../../src/workflow-safe/excerpt';

describe('excerpt', () => {
  it('keeps short values, cuts long ones with the count left out', () => {
    expect(excerpt('abc')).toBe('abc');
    expect(excerpt('4111111111111111-SECRET-VALUE')).toBe('4111111111111111-SEC...(9 more chars)');
  });

  it('escapes quotes, control and non-ASCII characters, so a value cannot forge lines', () => {
    expect(excerpt('a"b\nc\u0000é')).toBe('a\\"b\\nc\\u0000\\u00e9');
    expect(excerpt({ id: 4 })).toBe('{\\"id\\":4}');
    expect(excerpt(null)).toBe('null');
  });
});

describe('scrubValues', () => {
  it('reduces DuckDB\'s quoted values to excerpts and drops the SQL lines', () => {
    expect(scrubValues("Conversion Error: Could not convert string 'SECRET-VALUE-1234567890abcdef' to INT64\n\nLINE 1: SELECT CAST('SECRET-VALUE-1234567890abcdef' AS BIGINT)"))
      .toBe("Conversion Error: Could not convert string 'SECRET-VALUE-1234567...(9 more chars)' to INT64");
    expect(scrubValues('Error when converting column "amount". Could not convert string "abc" to \'BIGINT\''))
      .toBe('Error when converting column "amount". Could not convert string "abc" to \'BIGINT\'');
  });

  it('keeps a quoted s3:// URL whole, excerpts an unquoted input tail and caps the length', () => {
    expect(scrubValues('Invalid Input Error: Malformed JSON in file "s3://bucket/a/very/long/key/part-0.ndjson", at byte 56 in line 3: unexpected character. '))
      .toBe('Invalid Input Error: Malformed JSON in file "s3://bucket/a/very/long/key/part-0.ndjson", at byte 56 in line 3: unexpected character. ');
    expect(scrubValues(`bad row. Input: ${'x'.repeat(500)}`)).toBe('bad row. Input: xxxxxxxxxxxxxxxxxxxx...(480 more chars)');
    expect(scrubValues('y'.repeat(400))).toBe(`${'y'.repeat(300)}...(cut)`);
  });
});
