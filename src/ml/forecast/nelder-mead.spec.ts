import { minimizeBounded } from './nelder-mead';

describe(minimizeBounded.name, () => {
  it('finds the minimum of a quadratic bowl inside the box', () => {
    const { x, value } = minimizeBounded(
      ([a = 0, b = 0]) => (a - 0.3) ** 2 + 2 * (b + 0.2) ** 2,
      [0.9, 0.9],
      { lower: [-1, -1], upper: [1, 1], tolerance: 1e-14, maxEvaluations: 1000 },
    );
    expect(x[0]).toBeCloseTo(0.3, 4);
    expect(x[1]).toBeCloseTo(-0.2, 4);
    expect(value).toBeLessThan(1e-8);
  });

  it('stops at the bound when the unconstrained minimum lies outside', () => {
    const { x } = minimizeBounded(([a = 0]) => (a - 2) ** 2, [0.5], { lower: [0], upper: [1] });
    expect(x[0]).toBeCloseTo(1, 6);
  });

  it('treats non-finite objective values as infinitely bad', () => {
    const f = ([a = 0]: readonly number[]): number => (a > 0.5 ? Number.NaN : (a - 0.4) ** 2);
    const { x } = minimizeBounded(f, [0.1], { lower: [0], upper: [1], tolerance: 1e-12 });
    expect(x[0]).toBeCloseTo(0.4, 4);
  });

  it('rejects bounds of the wrong dimension', () => {
    expect(() => minimizeBounded(() => 0, [0, 0], { lower: [0], upper: [1] })).toThrow(RangeError);
  });
});
