import { parseJsonValues, parseTextLines } from './json-values';
import type { ParsedValue, ParseFailure } from './json-values';

type Result = ParsedValue | ParseFailure;

function values(results: Result[]): unknown[] {
  return results.map((result) => (result.ok ? result.value : { failedAtLine: result.line }));
}

function failures(results: Result[]): ParseFailure[] {
  return results.filter((result): result is ParseFailure => !result.ok);
}

/** Every value's offset must point at bytes that re-serialise to that value. */
function expectOffsetsPointAtValues(body: Buffer, results: Result[]): void {
  for (const result of results) {
    if (!result.ok) continue;
    const text = JSON.stringify(result.value);
    expect(body.subarray(result.offset, result.offset + Buffer.byteLength(text)).toString()).toBe(
      text,
    );
  }
}

describe(parseJsonValues.name, () => {
  it('returns no values for an empty or blank body', () => {
    expect(parseJsonValues(Buffer.alloc(0))).toEqual([]);
    expect(parseJsonValues(Buffer.from(' \r\n\t\n'))).toEqual([]);
    expect(parseJsonValues(Buffer.from('\uFEFF'))).toEqual([]);
  });

  it('parses a single object', () => {
    const sut = parseJsonValues(Buffer.from('  {"message":"hi","n":1}\n'));

    expect(sut).toEqual([{ ok: true, value: { message: 'hi', n: 1 }, offset: 2 }]);
  });

  it('yields the elements of a JSON array, with their byte offsets', () => {
    const body = Buffer.from('[{"a":"é"}, {"b":[1,2]} ,"s",3,null]');

    const sut = parseJsonValues(body);

    expect(values(sut)).toEqual([{ a: 'é' }, { b: [1, 2] }, 's', 3, null]);
    expect(sut.map((result) => result.offset)).toEqual([1, 13, 26, 30, 32]);
  });

  it('yields nothing for an empty array', () => {
    expect(parseJsonValues(Buffer.from('[ ]'))).toEqual([]);
  });

  it('parses NDJSON', () => {
    const body = Buffer.from('{"a":1}\n{"b":2}\n\n{"c":3}');

    const sut = parseJsonValues(body);

    expect(sut).toEqual([
      { ok: true, value: { a: 1 }, offset: 0 },
      { ok: true, value: { b: 2 }, offset: 8 },
      { ok: true, value: { c: 3 }, offset: 17 },
    ]);
  });

  it('parses NDJSON with \\r\\n line endings', () => {
    const sut = parseJsonValues(Buffer.from('{"a":1}\r\n{"b":2}\r\n'));

    expect(values(sut)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it("parses objects concatenated with no separator (Fluent Bit's json_stream)", () => {
    const body = Buffer.from('{"a":1}{"b":{"c":[1,{"d":2}]}}{"e":"ü"}');

    const sut = parseJsonValues(body);

    expect(values(sut)).toEqual([{ a: 1 }, { b: { c: [1, { d: 2 }] } }, { e: 'ü' }]);
    expect(sut.map((result) => result.offset)).toEqual([0, 7, 30]);
  });

  it('parses concatenated objects with whitespace between them, pretty-printed ones too', () => {
    const body = Buffer.from(
      '{"a":1} {"b":2}\t\n  {"c":3}\n{\n  "d": {\n    "e": 4\n  }\n}\n{"f":5}',
    );

    const sut = parseJsonValues(body);

    expect(values(sut)).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }, { d: { e: 4 } }, { f: 5 }]);
    expectOffsetsPointAtValues(body, sut.slice(0, 3));
  });

  it('skips a UTF-8 BOM and reports offsets in the original body', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n{"b":2}')]);

    const sut = parseJsonValues(body);

    expect(sut.map((result) => [result.ok, result.offset])).toEqual([
      [true, 3],
      [true, 11],
    ]);
  });

  it('fails only a broken line in the middle of NDJSON', () => {
    const body = Buffer.from('{"a":1}\n{"b":2,}\n{"c":3}\n{"d":\n{"e":5}\n');

    const sut = parseJsonValues(body);

    expect(values(sut)).toEqual([
      { a: 1 },
      { failedAtLine: 2 },
      { c: 3 },
      { failedAtLine: 4 },
      { e: 5 },
    ]);
    expect(failures(sut).map((failure) => failure.offset)).toEqual([8, 25]);
  });

  it('fails a truncated object at the end without losing the ones before it', () => {
    const sut = parseJsonValues(Buffer.from('{"a":1}\n{"b":2}\n{"c":{"d":"trunc'));

    expect(values(sut)).toEqual([{ a: 1 }, { b: 2 }, { failedAtLine: 3 }]);
  });

  it('fails a truncated concatenated object at the end', () => {
    const sut = parseJsonValues(Buffer.from('{"a":1}{"b":2}{"c":[1,'));

    expect(values(sut)).toEqual([{ a: 1 }, { b: 2 }, { failedAtLine: 1 }]);
  });

  it('resynchronises at the next line starting with { after an unterminated string', () => {
    const sut = parseJsonValues(Buffer.from('{"a":"no end\n{"b":2}\n{"c":"x"}'));

    expect(values(sut)).toEqual([{ failedAtLine: 1 }, { b: 2 }, { c: 'x' }]);
  });

  it('fails stray garbage between objects and keeps the objects around it', () => {
    const sut = parseJsonValues(Buffer.from('{"a":1} garbage! {"b":2}}{"c":3}\nnot json\n{"d":4}'));

    expect(values(sut)).toEqual([
      { a: 1 },
      { failedAtLine: 1 },
      { b: 2 },
      { failedAtLine: 1 },
      { c: 3 },
      { failedAtLine: 2 },
      { d: 4 },
    ]);
    expect(failures(sut)[0]).toMatchObject({
      offset: 8,
      error: expect.stringContaining('garbage!'),
    });
  });

  it('is not confused by braces, brackets and escaped quotes inside strings', () => {
    const first = { msg: 'a } brace and a { brace', q: 'say \\"hi\\" [x]', tail: '\\' };
    const second = { msg: '"}{"', nested: { s: '\\\\"' } };
    const body = Buffer.from(
      JSON.stringify(first) + JSON.stringify(second) + '\n' + JSON.stringify(first),
    );

    const sut = parseJsonValues(body);

    expect(values(sut)).toEqual([first, second, first]);
    expectOffsetsPointAtValues(body, sut);
  });

  it('fails a malformed array element alone', () => {
    const body = Buffer.from('[{"a":1},{"b":},{"c":"]}"},oops,{"d":4}]');

    const sut = parseJsonValues(body);

    expect(values(sut)).toEqual([
      { a: 1 },
      { failedAtLine: 1 },
      { c: ']}' },
      { failedAtLine: 1 },
      { d: 4 },
    ]);
    expectOffsetsPointAtValues(body, sut);
    expect(failures(sut).map((failure) => failure.offset)).toEqual([9, 27]);
  });

  it('fails a truncated array element and resumes at the next line inside the array', () => {
    const body = Buffer.from('[\n{"a":1},\n{"b":"cut\n{"c":3}\n]');

    const sut = parseJsonValues(body);

    expect(values(sut)).toEqual([{ a: 1 }, { failedAtLine: 3 }, { c: 3 }]);
  });

  it('reports an array with no closing bracket', () => {
    const sut = parseJsonValues(Buffer.from('[{"a":1},{"b":2}'));

    expect(values(sut)).toEqual([{ a: 1 }, { b: 2 }, { failedAtLine: 1 }]);
  });

  it('parses NDJSON lines holding scalars', () => {
    const sut = parseJsonValues(Buffer.from('"text"\n42\n-1.5e3 true\nnull\n{"a":1}'));

    expect(values(sut)).toEqual(['text', 42, -1500, true, null, { a: 1 }]);
  });

  it('cuts long error messages', () => {
    const sut = parseJsonValues(Buffer.from(`{"a":1}\n{"b":${'x'.repeat(1000)}}`));

    expect(failures(sut)[0]?.error.length).toBeLessThanOrEqual(200);
  });

  it('agrees with JSON.parse on a large NDJSON body with a few broken lines', () => {
    const lines: string[] = [];
    const expected: unknown[] = [];
    for (let i = 0; i < 500; i++) {
      if (i % 97 === 13) {
        lines.push(`{"i":${i},"broken":`);
        expected.push({ failedAtLine: i + 1 });
      } else {
        const record = { i, msg: `line {${i}} "quoted" \\ é`, tags: ['a', { b: i }] };
        lines.push(JSON.stringify(record));
        expected.push(record);
      }
    }
    const body = Buffer.from(lines.join('\n'));

    const sut = parseJsonValues(body);

    expect(values(sut)).toEqual(expected);
    expectOffsetsPointAtValues(body, sut);
  });
});

describe(parseTextLines.name, () => {
  it('splits on \\n and \\r\\n, dropping blank lines', () => {
    const sut = parseTextLines(Buffer.from('first\r\nsecond\n\n  \r\n\tthird line \nlast'));

    expect(sut).toEqual(['first', 'second', '\tthird line ', 'last']);
  });

  it('returns nothing for an empty body and strips a BOM', () => {
    expect(parseTextLines(Buffer.alloc(0))).toEqual([]);
    expect(parseTextLines(Buffer.from('\uFEFFhello\n'))).toEqual(['hello']);
  });

  it('keeps multi-byte characters intact', () => {
    expect(parseTextLines(Buffer.from('日本語\r\nüber'))).toEqual(['日本語', 'über']);
  });
});

describe('parseJsonValues with a value size limit', () => {
  const big = JSON.stringify({ message: 'x'.repeat(500) });

  it('refuses an oversized NDJSON value and keeps its neighbours', () => {
    const sut = parseJsonValues(Buffer.from(`{"a":1}\n${big}\n{"b":2}\n`), 200);
    expect(sut.map((v) => (v.ok ? v.value : v.error))).toEqual([
      { a: 1 },
      `the value is ${big.length} bytes, more than the limit of 200`,
      { b: 2 },
    ]);
    expect(sut[1]).toMatchObject({ ok: false, line: 2 });
  });

  it('refuses an oversized element of a JSON array and keeps the others', () => {
    const sut = parseJsonValues(Buffer.from(`[{"a":1},${big},{"b":2}]`), 200);
    expect(sut.map((v) => v.ok)).toEqual([true, false, true]);
  });

  it('measures each of several values sharing one long line', () => {
    const sut = parseJsonValues(Buffer.from(`{"a":1}${big}{"b":2}`), 200);
    expect(sut.map((v) => v.ok)).toEqual([true, false, true]);
  });

  it('refuses a single oversized object', () => {
    expect(parseJsonValues(Buffer.from(big), 200)).toMatchObject([{ ok: false }]);
  });
});
