import { applyFilterPath } from './filter-path';

const FILEBEAT_FILTER = 'errors,items.*.error,items.*.status';

function bulkResponse(statuses: number[]): unknown {
  return {
    took: 4,
    errors: statuses.some((status) => status >= 300),
    items: statuses.map((status) => ({
      create: {
        _index: 'filebeat-8.17.0',
        _id: 'abc',
        status,
        ...(status >= 300 ? { error: { type: 'mapper_parsing_exception', reason: 'bad' } } : {}),
      },
    })),
  };
}

describe(applyFilterPath.name, () => {
  it("applies Filebeat's filter to a successful bulk response", () => {
    const sut = applyFilterPath(bulkResponse([201, 201]), FILEBEAT_FILTER);

    expect(sut).toEqual({
      errors: false,
      items: [{ create: { status: 201 } }, { create: { status: 201 } }],
    });
  });

  it("applies Filebeat's filter to a partly failed bulk response", () => {
    const sut = applyFilterPath(bulkResponse([201, 400]), FILEBEAT_FILTER);

    expect(sut).toEqual({
      errors: true,
      items: [
        { create: { status: 201 } },
        { create: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'bad' } } },
      ],
    });
  });

  it('matches one key with * through arrays', () => {
    const sut = applyFilterPath(
      { items: [{ create: { status: 201, _index: 'x' } }] },
      'items.*.status',
    );

    expect(sut).toEqual({ items: [{ create: { status: 201 } }] });
  });

  it('drops array elements and objects left empty, and returns {} when nothing is left', () => {
    const value = bulkResponse([201, 400, 201]);

    expect(applyFilterPath(value, 'items.*.error')).toEqual({
      items: [{ create: { error: { type: 'mapper_parsing_exception', reason: 'bad' } } }],
    });
    expect(applyFilterPath(bulkResponse([201]), 'items.*.error')).toEqual({});
    expect(applyFilterPath({ a: 1 }, 'nothing.here')).toEqual({});
  });

  it('matches any depth with **', () => {
    const value = { a: { status: 1, b: { status: 2, c: [{ status: 3, x: 0 }] } }, status: 0 };

    expect(applyFilterPath(value, '**.status')).toEqual({
      a: { status: 1, b: { status: 2, c: [{ status: 3 }] } },
      status: 0,
    });
    expect(applyFilterPath(value, 'a.**')).toEqual({ a: value.a });
  });

  it('matches keys with wildcards inside a segment', () => {
    const sut = applyFilterPath(
      { meta: { index_a: 1, index_b: 2, other: 3 } },
      'meta.ind*_b,meta.o*',
    );

    expect(sut).toEqual({ meta: { index_b: 2, other: 3 } });
  });

  it('keeps a fully matched subtree as it is, empty objects included', () => {
    const value = { a: { b: {}, c: [] }, d: 1 };

    expect(applyFilterPath(value, 'a')).toEqual({ a: { b: {}, c: [] } });
  });

  it('drops scalars inside arrays when a path still has segments to match', () => {
    const sut = applyFilterPath({ list: [1, 'two', { k: 3, z: 4 }] }, 'list.k');

    expect(sut).toEqual({ list: [{ k: 3 }] });
  });

  it('treats nested arrays as transparent too', () => {
    const sut = applyFilterPath({ m: [[{ k: 1, z: 2 }], [{ z: 3 }]] }, 'm.k');

    expect(sut).toEqual({ m: [[{ k: 1 }]] });
  });

  it('excludes paths prefixed with -', () => {
    const sut = applyFilterPath(bulkResponse([201]), '-items.*._index,-items.*._id,-took');

    expect(sut).toEqual({ errors: false, items: [{ create: { status: 201 } }] });
  });

  it('removes objects that exclusion leaves empty', () => {
    const sut = applyFilterPath({ a: { b: 1 }, c: 2, d: [{ b: 1 }] }, '-a.b,-d.*');

    expect(sut).toEqual({ c: 2 });
  });

  it('applies exclusions before inclusions', () => {
    const sut = applyFilterPath(bulkResponse([201, 400]), 'items.*.*,-items.*.error,-items.*._id');

    expect(sut).toEqual({
      items: [
        { create: { _index: 'filebeat-8.17.0', status: 201 } },
        { create: { _index: 'filebeat-8.17.0', status: 400 } },
      ],
    });
  });

  it('returns the value unchanged for an empty filter, and everything for **', () => {
    const value = { a: 1 };

    expect(applyFilterPath(value, '')).toBe(value);
    expect(applyFilterPath(value, ' , ')).toBe(value);
    expect(applyFilterPath(value, '**')).toBe(value);
    expect(applyFilterPath(value, '-**')).toEqual({});
  });

  it('keeps a __proto__ key as an own property', () => {
    const value: unknown = JSON.parse('{"__proto__":{"x":1},"y":2}');

    const sut = applyFilterPath(value, '__proto__.x') as Record<string, unknown>;

    expect(Object.getPrototypeOf(sut)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(sut, '__proto__')?.value).toEqual({ x: 1 });
  });

  it('does not modify its input', () => {
    const value = bulkResponse([201, 400]);
    const before = JSON.stringify(value);

    applyFilterPath(value, FILEBEAT_FILTER);
    applyFilterPath(value, '-items.*.status');

    expect(JSON.stringify(value)).toBe(before);
  });
});
