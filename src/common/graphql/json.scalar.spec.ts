import { parseValue } from 'graphql';

import { JsonScalar } from './json.scalar';

describe(JsonScalar.name, () => {
  const sut = new JsonScalar();

  it('keeps __proto__ and constructor keys of a literal as plain data', () => {
    const value = sut.parseLiteral(
      parseValue(
        '{ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }',
      ),
    ) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((value as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
