import { buildBulkResponseObject, writeBulkResponse } from './bulk-response.writer';
import type { BulkItemResult } from './bulk-response.writer';

/** The response written the obvious way, as the oracle for the concatenating writer. */
function straightforward(took: number, items: readonly BulkItemResult[]): unknown {
  return {
    took,
    errors: items.some((item) => item.status >= 300),
    items: items.map((item) => ({
      [item.op]: {
        _index: item.index,
        ...(item.id === null ? {} : { _id: item.id }),
        status: item.status,
        ...(item.error === undefined ? {} : { error: item.error }),
      },
    })),
  };
}

describe(writeBulkResponse.name, () => {
  it('writes compact JSON in Elasticsearch key order', () => {
    const sut = writeBulkResponse(7, [
      { op: 'create', index: 'logs', id: 'a1', status: 201 },
      { op: 'create', index: 'logs', id: null, status: 201 },
    ]);

    expect(sut).toBe(
      '{"took":7,"errors":false,"items":[' +
        '{"create":{"_index":"logs","_id":"a1","status":201}},' +
        '{"create":{"_index":"logs","status":201}}]}',
    );
  });

  it('puts the error after the status and sets errors to true', () => {
    const sut = writeBulkResponse(3, [
      { op: 'index', index: 'logs', id: null, status: 201 },
      {
        op: 'index',
        index: 'logs',
        id: null,
        status: 400,
        error: { type: 'mapper_parsing_exception', reason: 'failed to parse' },
      },
    ]);

    expect(sut).toBe(
      '{"took":3,"errors":true,"items":[' +
        '{"index":{"_index":"logs","status":201}},' +
        '{"index":{"_index":"logs","status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse"}}}]}',
    );
    // Vector only looks for this literal substring.
    expect(sut).toContain('"errors":true');
  });

  it.each([
    [200, false],
    [201, false],
    [299, false],
    [300, true],
    [409, true],
    [429, true],
    [503, true],
  ])('reports status %i as errors=%s', (status, errors) => {
    const sut = JSON.parse(writeBulkResponse(0, [{ op: 'create', index: 'x', id: null, status }]));

    expect(sut.errors).toBe(errors);
  });

  it('writes an empty response for no items', () => {
    expect(writeBulkResponse(0, [])).toBe('{"took":0,"errors":false,"items":[]}');
  });

  it('writes took as a non-negative integer', () => {
    expect(JSON.parse(writeBulkResponse(12.6, [])).took).toBe(13);
    expect(JSON.parse(writeBulkResponse(Number.NaN, [])).took).toBe(0);
    expect(JSON.parse(writeBulkResponse(-4, [])).took).toBe(0);
  });

  it('parses back to the straightforward object form, escapes included', () => {
    const items: BulkItemResult[] = [
      { op: 'create', index: 'we"ird\\index', id: 'line\nbreak', status: 201 },
      { op: 'create', index: 'we"ird\\index', id: 'tab\t"quote"', status: 201 },
      { op: 'index', index: 'ünïcødé-日本', id: '\u0000\u001f\u2028', status: 201 },
      {
        op: 'upsert',
        index: 'other',
        id: null,
        status: 400,
        error: {
          type: 'illegal_argument_exception',
          reason: 'bad "thing"\r\n\\ \ud83d\ude00 \ud800',
        },
      },
      { op: 'create', index: 'logs', id: null, status: 429, error: { type: 't', reason: '' } },
    ];

    const sut = writeBulkResponse(42, items);

    expect(JSON.parse(sut)).toEqual(straightforward(42, items));
  });

  it('keeps an op named __proto__ as an ordinary key', () => {
    const items: BulkItemResult[] = [{ op: '__proto__', index: 'x', id: null, status: 400 }];

    const parsed = JSON.parse(writeBulkResponse(1, items)) as { items: object[] };

    expect(Object.keys(parsed.items[0]!)).toEqual(['__proto__']);
  });
});

describe(buildBulkResponseObject.name, () => {
  it('serialises to exactly what writeBulkResponse writes', () => {
    const items: BulkItemResult[] = [
      { op: 'create', index: 'a"b', id: 'x', status: 201 },
      { op: 'create', index: 'a', id: null, status: 400, error: { type: 't', reason: 'r\n' } },
      { op: '__proto__', index: 'a', id: null, status: 400 },
    ];

    const sut = buildBulkResponseObject(5, items);

    expect(JSON.stringify(sut)).toBe(writeBulkResponse(5, items));
    expect(Object.getPrototypeOf(sut.items[2])).toBe(Object.prototype);
  });
});
