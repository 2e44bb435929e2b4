import { selectForLabelling, uncertainty } from './active-learning';

describe(uncertainty.name, () => {
  it('reads the margin of the top two classes', () => {
    expect(uncertainty([0.5, 0.5], 'margin')).toBeCloseTo(1, 12);
    expect(uncertainty([0.7, 0.2, 0.1], 'margin')).toBeCloseTo(0.5, 12);
    expect(uncertainty([1, 0, 0], 'margin')).toBe(0);
  });

  it('normalises entropy by log K', () => {
    expect(uncertainty([0.25, 0.25, 0.25, 0.25], 'entropy')).toBeCloseTo(1, 12);
    const h = -(0.5 * Math.log(0.5) + 0.5 * Math.log(0.5)) / Math.log(3);
    expect(uncertainty([0.5, 0.5, 0], 'entropy')).toBeCloseTo(h, 12);
  });
});

describe(selectForLabelling.name, () => {
  // The margin uncertainty of each candidate is `u` (p = [(1 + 1 − u)/2, (u)/2] has margin 1 − u).
  const candidate = (patternId: string | undefined, u: number) => ({ patternId, u });
  const predict = (c: { u: number }) => ({ probabilities: { a: (2 - c.u) / 2, b: c.u / 2 } });

  it('takes the least certain first, at most one per pattern', () => {
    const candidates = [
      candidate('p1', 0.9),
      candidate('p1', 0.95),
      candidate('p2', 0.5),
      candidate('p3', 0.1),
      candidate('p2', 0.6),
    ];
    const picked = selectForLabelling(candidates, predict, 3, { density: false });
    expect(picked.map((s) => s.index)).toEqual([1, 4, 3]);
    expect(picked[0]!.uncertainty).toBeCloseTo(0.95, 12);
  });

  it('raises the per-pattern cap when the patterns run out', () => {
    const candidates = [candidate('p1', 0.9), candidate('p1', 0.8), candidate('p1', 0.7)];
    expect(selectForLabelling(candidates, predict, 2).map((s) => s.index)).toEqual([0, 1]);
    expect(selectForLabelling(candidates, predict, 9)).toHaveLength(3);
  });

  it('treats a candidate without a pattern as its own pattern', () => {
    const candidates = [candidate(undefined, 0.9), candidate(undefined, 0.8), candidate('p', 0.1)];
    expect(selectForLabelling(candidates, predict, 2).map((s) => s.index)).toEqual([0, 1]);
  });

  it('honours perPattern and the entropy strategy', () => {
    const candidates = [candidate('p1', 0.9), candidate('p1', 0.8), candidate('p2', 0.1)];
    const picked = selectForLabelling(candidates, predict, 2, {
      perPattern: 2,
      strategy: 'entropy',
    });
    expect(picked.map((s) => s.index)).toEqual([0, 1]);
  });

  it('weights uncertainty by 1 + ln(pattern size) by default (information density)', () => {
    // p1: 0.5 · (1 + ln 4) ≈ 1.19 beats the lone p2: 0.9 · 1.
    const candidates = [
      candidate('p1', 0.5),
      candidate('p1', 0.1),
      candidate('p1', 0.1),
      candidate('p1', 0.1),
      candidate('p2', 0.9),
    ];
    const picked = selectForLabelling(candidates, predict, 1);
    expect(picked.map((s) => s.index)).toEqual([0]);
    expect(picked[0]!.uncertainty).toBeCloseTo(0.5, 12);
    expect(selectForLabelling(candidates, predict, 1, { density: false })[0]!.index).toBe(4);
  });

  it('rejects a negative k', () => {
    expect(() => selectForLabelling([], predict, -1)).toThrow(RangeError);
  });
});
