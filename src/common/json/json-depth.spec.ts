import { exceedsDepth } from './json-depth';

function nested(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? { k: v } : [v];
  return v;
}

describe(exceedsDepth.name, () => {
  it('counts objects and arrays alike and allows exactly the limit', () => {
    expect(exceedsDepth(nested(5), 5)).toBe(false);
    expect(exceedsDepth(nested(6), 5)).toBe(true);
    expect(exceedsDepth('scalar', 0)).toBe(false);
    expect(exceedsDepth({}, 1)).toBe(false);
  });

  it('finds a deep branch among shallow siblings', () => {
    expect(exceedsDepth({ a: 1, b: [1, 2], c: { d: nested(40) } }, 32)).toBe(true);
  });

  it('answers for a document far deeper than the stack allows', () => {
    const depth = 500_000;
    const doc: unknown = JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
    expect(exceedsDepth(doc, 32)).toBe(true);
  });
});
