import {
  calibrationFactor,
  empiricalIntervals,
  intervalScore,
  quantileSorted,
  scaleInterval,
} from './prediction-intervals';

describe(quantileSorted.name, () => {
  it('interpolates linearly between order statistics', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
  });
});

describe(empiricalIntervals.name, () => {
  const errors = Array.from({ length: 101 }, (_, i) => i - 50);

  it('adds additive error quantiles to the point', () => {
    const [b] = empiricalIntervals([100], [errors], 'additive');
    expect(b).toEqual({ lower80: 60, upper80: 140, lower95: 52.5, upper95: 147.5 });
  });

  it('multiplies relative error quantiles with the point', () => {
    const ratios = errors.map((e) => 1 + e / 100);
    const [b] = empiricalIntervals([10], [ratios], 'relative');
    expect(b?.lower80).toBeCloseTo(6, 12);
    expect(b?.upper95).toBeCloseTo(14.75, 12);
  });

  it('pools the steps so far while none has enough errors, so no step collapses to a point', () => {
    const [first, second, third] = empiricalIntervals(
      [0, 0, 0],
      [[-2, 2], [-4, 4], []],
      'additive',
    );
    // 10% / 90% of [-2, 2]; then of [-4, -2, 2, 4] (type 7: -4 + 0.3 · 2 = -3.4) for both.
    expect(first?.lower80).toBeCloseTo(-1.6, 12);
    expect(second?.lower80).toBeCloseTo(-3.4, 12);
    expect(third?.upper80).toBeCloseTo(3.4, 12);
  });

  it('borrows from the last well-sampled step, widened by the square root of the steps', () => {
    const [, second] = empiricalIntervals([0, 0], [errors, [1]], 'additive');
    expect(second?.upper80).toBeCloseTo(40 * Math.SQRT2, 12);
  });
});

describe(intervalScore.name, () => {
  it('is the distance to the actual over the room on its side', () => {
    expect(intervalScore(12, 10, 8, 14)).toBe(0.5);
    expect(intervalScore(4, 10, 8, 14)).toBe(3);
    expect(intervalScore(10, 10, 10, 10)).toBe(0);
    expect(intervalScore(11, 10, 10, 10)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe(calibrationFactor.name, () => {
  it('is the quantile of the scores, clamped', () => {
    const scores = Array.from({ length: 11 }, (_, i) => i / 5); // 0, 0.2, …, 2
    expect(calibrationFactor(scores, 0.8)).toBeCloseTo(1.6, 12);
    expect(calibrationFactor([10, 10], 0.8)).toBe(3);
    expect(calibrationFactor([], 0.8)).toBe(1);
  });
});

describe(scaleInterval.name, () => {
  it('scales each side around the point', () => {
    const b = scaleInterval(10, { lower80: 8, upper80: 11, lower95: 6, upper95: 13 }, 2, 0.5);
    expect(b).toEqual({ lower80: 6, upper80: 12, lower95: 8, upper95: 11.5 });
  });
});
