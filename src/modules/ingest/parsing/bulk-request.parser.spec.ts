import { parseBulkBody } from './bulk-request.parser';
import type { BulkErrorItem, BulkItem } from './bulk-request.parser';

function ndjson(...lines: string[]): Buffer {
  return Buffer.from(lines.map((line) => `${line}\n`).join(''));
}

function errorOf(item: BulkItem | undefined): BulkErrorItem {
  if (item === undefined || item.ok)
    throw new Error(`expected a failed item, got ${JSON.stringify(item)}`);
  return item;
}

describe(parseBulkBody.name, () => {
  it('parses Fluent Bit create actions, ignoring _type and other metadata', () => {
    const body = ndjson(
      '{"create":{"_index":"fluent-bit","_type":"_doc"}}',
      '{"@timestamp":"2024-05-01T10:00:00.000Z","log":"hello"}',
      '{"create":{"_index":"fluent-bit","_type":"_doc","pipeline":"p","routing":"r","require_alias":false,"dynamic_templates":{}}}',
      '{"log":"world"}',
    );

    const sut = parseBulkBody(body, null);

    expect(sut).toEqual([
      {
        ok: true,
        op: 'create',
        index: 'fluent-bit',
        id: null,
        doc: { '@timestamp': '2024-05-01T10:00:00.000Z', log: 'hello' },
      },
      { ok: true, op: 'create', index: 'fluent-bit', id: null, doc: { log: 'world' } },
    ]);
  });

  it('takes the index from the URL when the action has none, and _index wins over it', () => {
    const body = ndjson(
      '{"index":{}}',
      '{"a":1}',
      '{"index":{"_index":"other","_id":"abc"}}',
      '{"a":2}',
    );

    const sut = parseBulkBody(body, 'from-url');

    expect(sut.map((item) => [item.ok, item.op, item.index, item.id])).toEqual([
      [true, 'index', 'from-url', null],
      [true, 'index', 'other', 'abc'],
    ]);
  });

  it('accepts a numeric _id as text', () => {
    const sut = parseBulkBody(ndjson('{"index":{"_index":"x","_id":42}}', '{}'), null);

    expect(sut[0]).toMatchObject({ ok: true, id: '42' });
  });

  it('fails an item with no index anywhere', () => {
    const sut = parseBulkBody(
      ndjson('{"create":{}}', '{"a":1}', '{"create":{"_index":"x"}}', '{}'),
      null,
    );

    expect(errorOf(sut[0])).toEqual({
      ok: false,
      op: 'create',
      index: '',
      id: null,
      status: 400,
      error: { type: 'action_request_validation_exception', reason: 'index is missing' },
    });
    expect(sut[1]).toMatchObject({ ok: true, index: 'x' });
  });

  it('handles \\r\\n, blank lines, a BOM and a last line without a newline', () => {
    const body = Buffer.from(
      '\uFEFF{"index":{"_index":"a"}}\r\n{"n":1}\r\n\r\n   \n{"index":{"_index":"a"}}\r\n\t\r\n{"n":2}',
    );

    const sut = parseBulkBody(body, null);

    expect(sut).toEqual([
      { ok: true, op: 'index', index: 'a', id: null, doc: { n: 1 } },
      { ok: true, op: 'index', index: 'a', id: null, doc: { n: 2 } },
    ]);
  });

  it('returns no items for an empty or blank body', () => {
    expect(parseBulkBody(Buffer.alloc(0), 'x')).toEqual([]);
    expect(parseBulkBody(Buffer.from('\n\r\n  \n'), 'x')).toEqual([]);
  });

  it('fails only the item whose document is not valid JSON', () => {
    const body = ndjson(
      '{"create":{"_index":"x"}}',
      '{"a":1}',
      '{"create":{"_index":"x"}}',
      '{"a":1,}',
      '{"create":{"_index":"x"}}',
      '{"a":3}',
    );

    const sut = parseBulkBody(body, null);

    expect(sut).toHaveLength(3);
    expect(sut[0]).toMatchObject({ ok: true, doc: { a: 1 } });
    const failed = errorOf(sut[1]);
    expect(failed).toMatchObject({ op: 'create', index: 'x', status: 400 });
    expect(failed.error.type).toBe('mapper_parsing_exception');
    expect(failed.error.reason).toMatch(/^failed to parse: /);
    expect(sut[2]).toMatchObject({ ok: true, doc: { a: 3 } });
  });

  it('cuts a long parse error reason to about 200 characters', () => {
    const sut = parseBulkBody(
      ndjson('{"index":{"_index":"x"}}', `{"a":"${'x'.repeat(5000)}`),
      null,
    );

    expect(errorOf(sut[0]).error.reason.length).toBeLessThanOrEqual(200);
  });

  it.each([
    ['an array', '[1,2]'],
    ['a string', '"text"'],
    ['a number', '12'],
    ['null', 'null'],
  ])('fails a document that is %s', (_kind, line) => {
    const sut = parseBulkBody(ndjson('{"index":{"_index":"x"}}', line), null);

    expect(errorOf(sut[0]).error.type).toBe('mapper_parsing_exception');
  });

  it('rejects update (consuming its document line) and delete (which has none)', () => {
    const body = ndjson(
      '{"update":{"_index":"x","_id":"1"}}',
      '{"doc":{"a":1}}',
      '{"delete":{"_index":"x","_id":"2"}}',
      '{"create":{"_index":"x"}}',
      '{"a":1}',
    );

    const sut = parseBulkBody(body, null);

    expect(sut).toHaveLength(3);
    expect(errorOf(sut[0])).toEqual({
      ok: false,
      op: 'update',
      index: 'x',
      id: '1',
      status: 400,
      error: {
        type: 'illegal_argument_exception',
        reason: 'action [update] is not supported by Vigil',
      },
    });
    expect(errorOf(sut[1])).toMatchObject({
      op: 'delete',
      id: '2',
      error: { reason: 'action [delete] is not supported by Vigil' },
    });
    expect(sut[2]).toMatchObject({ ok: true, op: 'create' });
  });

  it('consumes the line after an unknown action as its document', () => {
    const body = ndjson(
      '{"upsert":{"_index":"x"}}',
      '{"a":1}',
      '{"create":{"_index":"x"}}',
      '{"b":2}',
    );

    const sut = parseBulkBody(body, null);

    expect(sut).toHaveLength(2);
    const failed = errorOf(sut[0]);
    expect(failed.op).toBe('upsert');
    expect(failed.error.type).toBe('illegal_argument_exception');
    expect(failed.error.reason).toContain('line [1]');
    expect(sut[1]).toMatchObject({ ok: true, doc: { b: 2 } });
  });

  it('does not consume a following valid action line after a malformed one', () => {
    const body = ndjson(
      '{"create":{"_index":"x"}}',
      '{"a":1}',
      'not json at all',
      '{"create":{"_index":"x"}}',
      '{"b":2}',
      '{"create":{"_index":"x"},"extra":{}}',
      '{"delete":{"_index":"x"}}',
    );

    const sut = parseBulkBody(body, null);

    expect(sut).toHaveLength(5);
    expect(sut[0]).toMatchObject({ ok: true, doc: { a: 1 } });
    expect(errorOf(sut[1]).error.reason).toContain('line [3]');
    expect(sut[2]).toMatchObject({ ok: true, doc: { b: 2 } });
    expect(errorOf(sut[3]).error).toEqual({
      type: 'illegal_argument_exception',
      reason: expect.stringContaining('line [6]'),
    });
    expect(errorOf(sut[4]).op).toBe('delete');
  });

  it('treats an action whose metadata is not an object as malformed', () => {
    const sut = parseBulkBody(ndjson('{"index":"x"}', '{"a":1}'), 'd');

    expect(sut).toHaveLength(1);
    expect(errorOf(sut[0]).error.reason).toContain('line [1]');
  });

  it('names the right line for each of several identical malformed lines', () => {
    const sut = parseBulkBody(ndjson('{"nope":{}}', '{"a":1}', '', '{"nope":{}}', '{"a":1}'), 'd');

    expect(sut.map((item) => errorOf(item).error.reason)).toEqual([
      expect.stringContaining('line [1]'),
      expect.stringContaining('line [4]'),
    ]);
  });

  it('fails an action at the end that has no document line', () => {
    const sut = parseBulkBody(
      ndjson('{"create":{"_index":"x"}}', '{}', '{"create":{"_index":"x"}}'),
      null,
    );

    expect(sut).toHaveLength(2);
    expect(errorOf(sut[1])).toMatchObject({
      status: 400,
      error: { reason: 'missing document for action' },
    });
  });

  it.each([' ', '"', '*', '\\', '<', '|', ',', '>', '/', '?', '#'])(
    'rejects an index name containing %j',
    (char) => {
      const action = JSON.stringify({ index: { _index: `logs${char}x` } });

      const sut = parseBulkBody(ndjson(action, '{}', '{"index":{"_index":"ok"}}', '{}'), null);

      expect(errorOf(sut[0]).error.type).toBe('invalid_index_name_exception');
      expect(sut[1]).toMatchObject({ ok: true, index: 'ok' });
    },
  );

  it('rejects an index name longer than 255 bytes, counting UTF-8 bytes', () => {
    const fits = 'é'.repeat(127); // 254 bytes
    const tooLong = 'é'.repeat(128); // 256 bytes, only 128 characters

    const sut = parseBulkBody(
      ndjson(
        JSON.stringify({ index: { _index: fits } }),
        '{}',
        JSON.stringify({ index: { _index: tooLong } }),
        '{}',
      ),
      null,
    );

    expect(sut[0]).toMatchObject({ ok: true, index: fits });
    expect(errorOf(sut[1]).error.type).toBe('invalid_index_name_exception');
  });

  it('rejects an invalid index from the URL', () => {
    const sut = parseBulkBody(ndjson('{"index":{}}', '{}'), 'a,b');

    expect(errorOf(sut[0]).error.type).toBe('invalid_index_name_exception');
  });

  it('keeps index names as given, case included', () => {
    const sut = parseBulkBody(ndjson('{"index":{"_index":"Logs-Generic.default_1"}}', '{}'), null);

    expect(sut[0]).toMatchObject({ ok: true, index: 'Logs-Generic.default_1' });
  });

  it('rejects an empty _id', () => {
    const sut = parseBulkBody(ndjson('{"create":{"_index":"x","_id":""}}', '{}'), null);

    expect(errorOf(sut[0]).error.type).toBe('action_request_validation_exception');
  });

  it('returns a __proto__ key as an own property without touching any prototype', () => {
    const sut = parseBulkBody(
      ndjson(
        '{"index":{"_index":"x","__proto__":{"_index":"y"}}}',
        '{"__proto__":{"polluted":true}}',
      ),
      null,
    );

    const item = sut[0];
    if (item === undefined || !item.ok) throw new Error('expected a document');
    expect(item.index).toBe('x');
    expect(Object.getPrototypeOf(item.doc)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(item.doc, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('returns exactly one item per action in a mixed body', () => {
    const body = ndjson(
      '{"index":{"_index":"a"}}',
      '{"n":1}',
      '{"delete":{"_index":"a","_id":"1"}}',
      '{"create":{"_index":"a b"}}',
      '{"n":2}',
      '{"update":{"_index":"a","_id":"1"}}',
      '{"doc":{}}',
      '{"bogus":{}}',
      '{"n":3}',
      '{"create":{}}',
      '{"n":4}',
      '{"create":{"_index":"a"}}',
      '{broken',
      '{"index":{"_index":"a"}}',
      '{"n":5}',
    );

    const sut = parseBulkBody(body, null);

    expect(sut.map((item) => (item.ok ? 'ok' : item.op))).toEqual([
      'ok',
      'delete',
      'create',
      'update',
      'bogus',
      'create',
      'create',
      'ok',
    ]);
  });

  it('reuses a repeated action line without sharing documents between items', () => {
    const lines: string[] = [];
    for (let i = 0; i < 50; i++) lines.push('{"create":{"_index":"logs"}}', JSON.stringify({ i }));

    const sut = parseBulkBody(ndjson(...lines), null);

    expect(sut.map((item) => (item.ok ? item.doc['i'] : -1))).toEqual([...Array(50).keys()]);
  });
});

describe('parseBulkBody with a document size limit', () => {
  it('fails only the oversized document, without decoding it', () => {
    const action = '{"index":{"_index":"logs"}}';
    const big = JSON.stringify({ message: 'x'.repeat(500) });
    const sut = parseBulkBody(ndjson(action, '{"a":1}', action, big, action, '{"b":2}'), null, 200);
    expect(sut.map((item) => item.ok)).toEqual([true, false, true]);
    expect((sut[1] as BulkErrorItem).error).toEqual({
      type: 'mapper_parsing_exception',
      reason: `the document is ${big.length} bytes, more than the limit of 200`,
    });
  });
});
