import { DampedTrendModel, fitDampedTrend } from './damped-trend';

describe(fitDampedTrend.name, () => {
  it('extrapolates a damped trend by hand', () => {
    // alpha = beta = 1: the level is the last value and the trend the last difference (1).
    const model = new DampedTrendModel([1, 2, 3], { alpha: 1, beta: 1, phi: 0.9 });
    const [a = 0, b = 0] = model.forecast(2);
    expect(a).toBeCloseTo(3.9, 12);
    expect(b).toBeCloseTo(3 + 0.9 + 0.81, 12);
  });

  it('follows a straight line but flattens far ahead', () => {
    const line = Array.from({ length: 30 }, (_, t) => 10 + 2 * t);
    const model = fitDampedTrend(line);
    const [next = 0] = model.forecast(1);
    expect(next).toBeCloseTo(70, 0);
    const far = model.forecast(200);
    // phi ≤ 0.98: the trend adds at most 2·0.98/(1−0.98) = 98 however far ahead.
    expect(far[199]).toBeLessThan(68 + 98 + 1);
  });

  it('handles a single value as a flat forecast', () => {
    expect(fitDampedTrend([7]).forecast(3)).toEqual([7, 7, 7]);
  });
});
