import { bestSplit, detectLevelShift, differenceScale, relevel } from './level-shift';

/** A deterministic daily cycle of `m` phases times a level, with ±`noise` relative wobble. */
function cycle(n: number, m: number, level: (t: number) => number, noise = 0.05): number[] {
  return Array.from(
    { length: n },
    (_, t) =>
      level(t) * (1 + 0.5 * Math.sin((2 * Math.PI * t) / m)) * (1 + noise * Math.sin(t * 7.7)),
  );
}

describe(bestSplit.name, () => {
  it('finds the step in a two-level series and its two means', () => {
    const sut = bestSplit([1, 1, 1, 1, 3, 3, 3, 3], 1, 2);
    expect(sut).toMatchObject({ index: 4, before: 1, after: 3 });
    // |3 − 1| / (1 · √(1/4 + 1/4))
    expect(sut?.statistic).toBeCloseTo(2 / Math.sqrt(0.5), 12);
  });

  it('is null when no split leaves two segments of the minimum length', () => {
    expect(bestSplit([1, 2, 3], 1, 2)).toBeNull();
  });
});

describe(differenceScale.name, () => {
  it('is the median absolute successive difference over 0.6745·√2, blind to one step', () => {
    // Differences 1, 1, 1, 9, 1, 1: median 1.
    expect(differenceScale([0, 1, 0, 1, 10, 11, 10])).toBeCloseTo(1 / (0.6745 * Math.SQRT2), 12);
  });
});

describe(detectLevelShift.name, () => {
  const m = 24;

  it('finds a 60% step in a daily cycle, where and how large', () => {
    const values = cycle(10 * m, m, (t) => (t >= 6 * m + 5 ? 160 : 100));
    const sut = detectLevelShift(values, m);
    expect(sut?.kind).toBe('ratio');
    expect(sut?.index).toBeGreaterThanOrEqual(6 * m + 4);
    expect(sut?.index).toBeLessThanOrEqual(6 * m + 6);
    expect(sut?.size).toBeCloseTo(1.6, 1);
  });

  it('measures an offset when values go negative', () => {
    const values = cycle(8 * m, m, () => 50).map((v, t) => v - 60 + (t >= 5 * m ? 30 : 0));
    const sut = detectLevelShift(values, m);
    expect(sut?.kind).toBe('offset');
    expect(sut?.size).toBeCloseTo(30, 0);
  });

  it('ignores a steady cycle, a trend and quiet weekends', () => {
    expect(
      detectLevelShift(
        cycle(10 * m, m, () => 100),
        m,
      ),
    ).toBeNull();
    expect(
      detectLevelShift(
        cycle(10 * m, m, (t) => 100 + t),
        m,
      ),
    ).toBeNull();
    const weekends = cycle(21 * m, m, (t) => (Math.floor(t / m) % 7 >= 5 ? 50 : 100));
    expect(detectLevelShift(weekends, m)).toBeNull();
  });

  it('ignores a step smaller than minChange, and histories under three seasons', () => {
    const small = cycle(10 * m, m, (t) => (t >= 6 * m ? 105 : 100), 0.001);
    expect(detectLevelShift(small, m)).toBeNull();
    expect(detectLevelShift(small, m, { minChange: 0.01 })?.size).toBeCloseTo(1.05, 2);
    expect(
      detectLevelShift(
        cycle(2 * m, m, (t) => (t >= m ? 200 : 100)),
        m,
      ),
    ).toBeNull();
  });

  it('rejects a bad period and non-finite values', () => {
    expect(() => detectLevelShift([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => detectLevelShift([1, Number.NaN, 3, 4, 5, 6], 2)).toThrow(RangeError);
  });
});

describe(relevel.name, () => {
  it('scales or offsets the values before the shift', () => {
    expect(relevel([1, 1, 2, 2], { index: 2, kind: 'ratio', size: 2, statistic: 9 })).toEqual([
      2, 2, 2, 2,
    ]);
    expect(relevel([1, 1, 4, 4], { index: 2, kind: 'offset', size: 3, statistic: 9 })).toEqual([
      4, 4, 4, 4,
    ]);
  });
});
