import { poissonLowerTailLog, zFromLogP } from './poisson-tail';

/** P(X <= x) summed naively, for comparison. */
function naive(x: number, mu: number): number {
  let term = Math.exp(-mu);
  let sum = term;
  for (let k = 1; k <= x; k++) {
    term *= mu / k;
    sum += term;
  }
  return sum;
}

describe(poissonLowerTailLog.name, () => {
  it.each([
    [0, 10],
    [1, 2],
    [3, 12.5],
    [40, 100],
    [150, 265],
  ])('P(X <= %d | mu = %d) matches the direct sum', (x, mu) => {
    expect(Math.exp(poissonLowerTailLog(x, mu))).toBeCloseTo(naive(x, mu), 12);
    expect(poissonLowerTailLog(x, mu) / Math.log(naive(x, mu))).toBeCloseTo(1, 9);
  });

  it('stays finite far in the tail, and is 0 (log of 1) at or above the mean', () => {
    expect(poissonLowerTailLog(0, 2000)).toBe(-2000);
    expect(poissonLowerTailLog(5, 5)).toBe(0);
    expect(poissonLowerTailLog(3, 0)).toBe(0);
  });
});

describe(zFromLogP.name, () => {
  it.each([
    [0.1586553, 1],
    [0.02275013, 2],
    [1.349898e-3, 3],
    [2.866516e-7, 5],
    [1.279813e-12, 7],
  ])('maps the normal tail %d back to z = %d', (p, z) => {
    expect(zFromLogP(Math.log(p))).toBeCloseTo(z, 5);
  });

  it('is 0 for p >= 1/2, and keeps going where p underflows', () => {
    expect(zFromLogP(Math.log(0.7))).toBe(0);
    expect(zFromLogP(0)).toBe(0);
    expect(zFromLogP(-800)).toBeCloseTo(39.9, 0);
  });
});
