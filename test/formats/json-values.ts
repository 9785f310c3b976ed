/**
 * JSON values compared as values, not bytes: DuckDB re-serializes what it reads (`1E22` becomes
 * `1e22`, `[1, 2]` becomes `[1,2]`, `-0` becomes `0`), so both sides are parsed here into a form
 * where numbers are exact decimals (big integers are not rounded as JS numbers would be).
 */
type Value = null | boolean | string | { n: string } | Value[] | { [key: string]: Value };

/** A number's exact decimal value, normalized: sign, digits without leading/trailing zeros, exponent. */
function decimal(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const digits = `${match[2]}${match[3] ?? ''}`;
  let exponent = BigInt(match[4] ?? '0') - BigInt((match[3] ?? '').length);
  let trimmed = digits.replace(/^0+/, '');
  if (trimmed === '') return '0';
  while (trimmed.endsWith('0')) { trimmed = trimmed.slice(0, -1); exponent += 1n; }
  return `${match[1]}${trimmed}e${exponent}`;
}

/** Parses JSON text keeping each number as its exact decimal (a strict parser, RFC 8259). */
export function parseJsonValue(text: string): Value {
  let at = 0;
  const ws = () => { while (' \t\r\n'.includes(text[at] ?? 'x')) at += 1; };
  const value = (): Value => {
    ws();
    const c = text[at];
    if (c === '{') {
      at += 1; ws();
      const object: Record<string, Value> = {};
      if (text[at] === '}') { at += 1; return object; }
      for (;;) {
        ws();
        const key = string();
        ws(); if (text[at++] !== ':') throw new Error(`expected : at ${at}`);
        object[key] = value();
        ws();
        if (text[at] === ',') { at += 1; continue; }
        if (text[at++] === '}') return object;
        throw new Error(`expected , or } at ${at}`);
      }
    }
    if (c === '[') {
      at += 1; ws();
      const array: Value[] = [];
      if (text[at] === ']') { at += 1; return array; }
      for (;;) {
        array.push(value());
        ws();
        if (text[at] === ',') { at += 1; continue; }
        if (text[at++] === ']') return array;
        throw new Error(`expected , or ] at ${at}`);
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, at)) { at += word.length; return v; }
    }
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!number) throw new Error(`unexpected ${c} at ${at}`);
    at += number[0].length;
    return { n: decimal(number[0]) };
  };
  const string = (): string => {
    const match = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/.exec(text.slice(at));
    if (!match) throw new Error(`bad string at ${at}`);
    at += match[0].length;
    return JSON.parse(match[0]) as string;
  };
  const result = value();
  ws();
  if (at !== text.length) throw new Error(`junk after the value at ${at}`);
  return result;
}
