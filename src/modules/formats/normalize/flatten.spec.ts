import { MAX_FLATTEN_DEPTH, flattenEntry, flattenInto } from './flatten';

function newTarget(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

describe(flattenInto.name, () => {
  it('turns nested objects into dotted keys', () => {
    const sut = newTarget();
    flattenInto(sut, { kubernetes: { pod: { name: 'x' }, namespace: 'ns' }, level: 'info' }, '');
    expect({ ...sut }).toEqual({
      'kubernetes.pod.name': 'x',
      'kubernetes.namespace': 'ns',
      level: 'info',
    });
  });

  it('keeps arrays, null and non-plain objects as values', () => {
    const sut = newTarget();
    const tags = [{ a: 1 }, 'b'];
    const when = new Date(0);
    flattenInto(sut, { tags, gone: null, when, n: 0 }, 'p');
    expect(sut['p.tags']).toBe(tags);
    expect(sut['p.gone']).toBeNull();
    expect(sut['p.when']).toBe(when);
    expect(sut['p.n']).toBe(0);
  });

  it('leaves no key for an empty object', () => {
    const sut = newTarget();
    flattenInto(sut, { a: {}, b: 1 }, '');
    expect(Object.keys(sut)).toEqual(['b']);
  });

  it('lets a later flat key and a nested key collapse into one', () => {
    const sut = newTarget();
    flattenInto(sut, { 'host.name': 'flat', host: { name: 'nested' } }, '');
    expect({ ...sut }).toEqual({ 'host.name': 'nested' });
  });

  it(`stores objects below ${MAX_FLATTEN_DEPTH} levels as JSON text`, () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 20; i >= 1; i--) deep = { [`k${i}`]: deep };
    const sut = newTarget();
    flattenInto(sut, deep, '');

    const keys = Object.keys(sut);
    expect(keys).toHaveLength(1);
    const key = keys[0] ?? '';
    expect(key.split('.')).toHaveLength(MAX_FLATTEN_DEPTH);
    expect(JSON.parse(sut[key] as string)).toEqual({
      k17: { k18: { k19: { k20: { leaf: true } } } },
    });
  });

  it('never changes a prototype through __proto__ keys', () => {
    const doc = JSON.parse(
      '{"__proto__": {"polluted": 1}, "a": {"__proto__": {"polluted": 2}}, "b": {"__proto__": 3}}',
    ) as object;
    const sut = newTarget();
    flattenInto(sut, doc, '');

    expect(Object.getPrototypeOf(sut)).toBeNull();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect({ ...sut }).toEqual({
      '__proto__.polluted': 1,
      'a.__proto__.polluted': 2,
      'b.__proto__': 3,
    });
  });

  it('defines a __proto__ key as an own property even on an ordinary object', () => {
    const sut: Record<string, unknown> = {};
    flattenInto(sut, JSON.parse('{"__proto__": [1]}') as object, '');
    expect(Object.getPrototypeOf(sut)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(sut, '__proto__')?.value).toEqual([1]);
  });
});

describe(flattenEntry.name, () => {
  it('flattens an object value under its key and stores anything else as is', () => {
    const sut = newTarget();
    expect(flattenEntry(sut, 'log', { level: 'warn', file: { path: '/x' } })).toBe(2);
    expect(flattenEntry(sut, 'msg', 'hi')).toBe(1);
    expect({ ...sut }).toEqual({ 'log.level': 'warn', 'log.file.path': '/x', msg: 'hi' });
  });

  it('removes NUL from keys, strings and array items, copying only what changes', () => {
    const clean = ['a', { b: 1 }];
    const dirty = ['a\u0000', { 'k\u0000': 'v\u0000', ok: [1, 'x\u0000'] }];
    const sut = newTarget();
    flattenEntry(sut, 'n\u0000', { 's\u0000': 'v\u0000w', clean, dirty });

    expect({ ...sut }).toEqual({ 'n.s': 'vw', 'n.clean': clean, 'n.dirty': expect.anything() });
    expect(sut['n.clean']).toBe(clean);
    expect(sut['n.dirty']).toEqual(['a', { k: 'v', ok: [1, 'x'] }]);
    expect(dirty[0]).toBe('a\u0000');
  });
});
