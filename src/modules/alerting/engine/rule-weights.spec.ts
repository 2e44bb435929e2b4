import { feedbackWeight, MIN_WEIGHT, PatternWeights } from './rule-weights';

describe(feedbackWeight.name, () => {
  it('keeps 80% per net "not useful", wins it back with "useful", and stops at the floor', () => {
    expect(feedbackWeight(0, 0)).toBe(1);
    expect(feedbackWeight(1, 0)).toBeCloseTo(0.8, 12);
    expect(feedbackWeight(3, 0)).toBeCloseTo(0.512, 12);
    expect(feedbackWeight(3, 1)).toBeCloseTo(0.64, 12);
    expect(feedbackWeight(1, 4)).toBe(1);
    expect(feedbackWeight(50, 0)).toBe(MIN_WEIGHT);
  });
});

describe(PatternWeights.name, () => {
  const weights = new PatternWeights([
    { ruleId: 'r1', patternId: 'p1', notUseful: 2, useful: 0 },
    { ruleId: 'r1', patternId: 'p2', notUseful: 1, useful: 0 },
    { ruleId: 'r1', patternId: null, notUseful: 1, useful: 0 },
    { ruleId: 'r2', patternId: 'p1', notUseful: 0, useful: 3 },
  ]);

  it('weighs an anomaly by the lowest of its patterns for that rule', () => {
    expect(weights.of('r1', ['p1'])).toBeCloseTo(0.64, 12);
    expect(weights.of('r1', ['p2', 'p1'])).toBeCloseTo(0.64, 12);
    expect(weights.of('r1', ['p2', 'p9'])).toBeCloseTo(0.8, 12);
  });

  it('keeps feedback to its rule and pattern', () => {
    expect(weights.of('r2', ['p1'])).toBe(1);
    expect(weights.of('r3', ['p1'])).toBe(1);
    expect(weights.of('r1', ['p9'])).toBe(1);
  });

  it('applies pattern-less feedback to anomalies that name no pattern', () => {
    expect(weights.of('r1', [])).toBeCloseTo(0.8, 12);
    expect(weights.of('r2', [])).toBe(1);
  });
});
