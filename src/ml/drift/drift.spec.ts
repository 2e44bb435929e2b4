import { driftedServices, jensenShannonDivergence, populationStabilityIndex } from './drift';

describe(populationStabilityIndex.name, () => {
  it('matches Σ (a − e)·ln(a / e) on a small distribution', () => {
    // e = [0.5, 0.5], a = [0.8, 0.2]: 0.3·ln 1.6 + (−0.3)·ln 0.4.
    expect(populationStabilityIndex({ x: 50, y: 50 }, { x: 80, y: 20 }, 1e-12)).toBeCloseTo(
      0.3 * Math.log(1.6) + 0.3 * Math.log(2.5),
      9,
    );
  });

  it('smooths empty buckets with epsilon instead of going infinite', () => {
    // K = 2, ε = 0.01: shares become (1.01/1.02, 0.01/1.02) and the reverse.
    const expected = 2 * (1 / 1.02) * Math.log(101);
    expect(populationStabilityIndex({ x: 1 }, { y: 1 }, 0.01)).toBeCloseTo(expected, 9);
  });

  it('is zero for equal proportions whatever the volumes', () => {
    expect(populationStabilityIndex({ x: 1, y: 3 }, { x: 10, y: 30 })).toBeCloseTo(0, 12);
  });

  it('rejects empty or negative counts', () => {
    expect(() => populationStabilityIndex({}, { x: 1 })).toThrow(RangeError);
    expect(() => populationStabilityIndex({ x: -1, y: 2 }, { x: 1 })).toThrow(RangeError);
  });
});

describe(jensenShannonDivergence.name, () => {
  it('is 1 bit for disjoint and 0 for equal distributions', () => {
    expect(jensenShannonDivergence({ x: 1 }, { y: 1 })).toBeCloseTo(1, 12);
    expect(jensenShannonDivergence({ x: 2, y: 2 }, { x: 5, y: 5 })).toBeCloseTo(0, 12);
  });

  it('matches the hand computation with an empty bucket', () => {
    // p = [½, ½], q = [1, 0], m = [¾, ¼].
    const klP = 0.5 * Math.log2(0.5 / 0.75) + 0.5 * Math.log2(0.5 / 0.25);
    const klQ = Math.log2(1 / 0.75);
    expect(jensenShannonDivergence({ x: 1, y: 1 }, { x: 3 })).toBeCloseTo((klP + klQ) / 2, 12);
  });

  it('is symmetric', () => {
    const p = { x: 3, y: 1, z: 6 };
    const q = { x: 1, y: 4 };
    expect(jensenShannonDivergence(p, q)).toBeCloseTo(jensenShannonDivergence(q, p), 12);
  });
});

describe(driftedServices.name, () => {
  const baseline = {
    api: { patterns: { p1: 90, p2: 10 }, categories: { routine: 95, database: 5 } },
    web: { patterns: { p1: 50, p2: 50 }, categories: { routine: 100 } },
    old: { patterns: { p1: 1 }, categories: { routine: 1 } },
  };
  const current = {
    api: { patterns: { p1: 88, p2: 12 }, categories: { routine: 40, database: 60 } },
    web: { patterns: { p1: 52, p2: 48 }, categories: { routine: 100 } },
    fresh: { patterns: { p9: 5 }, categories: { routine: 5 } },
  };

  it('returns the services whose pattern or category mix moved past the threshold', () => {
    const drifted = driftedServices(baseline, current, { measure: 'js', threshold: 0.1 });
    expect(drifted.map((d) => d.service)).toEqual(['api']);
    expect(drifted[0]!.categoryDrift).toBeGreaterThan(0.1);
    expect(drifted[0]!.patternDrift).toBeLessThan(0.01);
  });

  it('works with PSI and skips services missing from the baseline', () => {
    const drifted = driftedServices(baseline, current, { measure: 'psi', threshold: 0.25 });
    expect(drifted.map((d) => d.service)).toEqual(['api']);
  });
});
