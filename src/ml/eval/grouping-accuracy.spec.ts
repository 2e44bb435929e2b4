import { groupingAccuracy } from './grouping-accuracy';

describe(groupingAccuracy.name, () => {
  it('is 1 when the predicted groups equal the true groups, whatever the labels', () => {
    expect(groupingAccuracy(['A', 'A', 'B', 'C'], ['x', 'x', 'y', 'z'])).toBe(1);
  });

  it('counts no line of a group that mixes two true groups', () => {
    // x holds A and B: its 3 lines are wrong; C alone is right.
    expect(groupingAccuracy(['A', 'A', 'B', 'C'], ['x', 'x', 'x', 'z'])).toBe(0.25);
  });

  it('counts no line of a true group that was split', () => {
    // A is split into x and y: its 3 lines are wrong; B is right.
    expect(groupingAccuracy(['A', 'A', 'A', 'B'], ['x', 'x', 'y', 'z'])).toBe(0.25);
  });

  it('agrees with a brute-force set comparison on random labelings', () => {
    let seed = 1;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let run = 0; run < 50; run++) {
      const truth = Array.from({ length: 30 }, () => `t${rand(5)}`);
      const predicted = Array.from({ length: 30 }, () => `p${rand(6)}`);
      let correct = 0;
      for (let i = 0; i < truth.length; i++) {
        const p = new Set(predicted.flatMap((v, j) => (v === predicted[i] ? [j] : [])));
        const t = new Set(truth.flatMap((v, j) => (v === truth[i] ? [j] : [])));
        if (p.size === t.size && [...p].every((j) => t.has(j))) correct++;
      }
      expect(groupingAccuracy(truth, predicted)).toBeCloseTo(correct / truth.length, 12);
    }
  });

  it('rejects label lists of different lengths and empty input', () => {
    expect(() => groupingAccuracy(['A'], [])).toThrow(RangeError);
    expect(() => groupingAccuracy([], [])).toThrow(RangeError);
  });
});
