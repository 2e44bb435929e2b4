import { SeededRandom } from '../anomaly/seeded-random';
import { complement, stratifiedGroupKFold, stratifiedKFold, stratifiedSplit } from './split';

const labels = [...Array<string>(10).fill('a'), ...Array<string>(5).fill('b'), 'c'];

describe(stratifiedSplit.name, () => {
  it('keeps class proportions in the holdout and partitions the indices', () => {
    const { train, holdout } = stratifiedSplit(labels, 0.2, new SeededRandom(1).next);
    expect(holdout.filter((i) => labels[i] === 'a')).toHaveLength(2);
    expect(holdout.filter((i) => labels[i] === 'b')).toHaveLength(1);
    expect(holdout.filter((i) => labels[i] === 'c')).toHaveLength(0); // a singleton stays in train
    expect([...train, ...holdout].sort((x, y) => x - y)).toEqual(labels.map((_, i) => i));
  });

  it('is deterministic for a seed', () => {
    const a = stratifiedSplit(labels, 0.3, new SeededRandom(9).next);
    expect(stratifiedSplit(labels, 0.3, new SeededRandom(9).next)).toEqual(a);
  });
});

describe(stratifiedKFold.name, () => {
  it('deals each class evenly over the folds', () => {
    const folds = stratifiedKFold(labels, 5, new SeededRandom(2).next);
    expect(folds.flat().sort((x, y) => x - y)).toEqual(labels.map((_, i) => i));
    for (const f of folds) {
      expect(f.filter((i) => labels[i] === 'a')).toHaveLength(2);
      expect(f.filter((i) => labels[i] === 'b')).toHaveLength(1);
    }
    expect(folds.map((f) => f.length).sort()).toEqual([3, 3, 3, 3, 4]);
  });

  it('rejects k < 2 or more folds than examples', () => {
    expect(() => stratifiedKFold(labels, 1, Math.random)).toThrow(RangeError);
    expect(() => stratifiedKFold(['a'], 2, Math.random)).toThrow(RangeError);
  });
});

describe(stratifiedGroupKFold.name, () => {
  it('keeps every group in one fold and spreads the classes', () => {
    const groups = labels.map((l, i) => `${l}${i % 5}`); // a0…a4 twice each, b0…b4, c0
    const folds = stratifiedGroupKFold(labels, groups, 5, new SeededRandom(4).next);
    expect(folds.flat().sort((x, y) => x - y)).toEqual(labels.map((_, i) => i));
    for (const f of folds) {
      const inside = new Set(f.map((i) => groups[i]));
      for (let i = 0; i < groups.length; i++) {
        if (inside.has(groups[i])) expect(f).toContain(i);
      }
      expect(f.filter((i) => labels[i] === 'a')).toHaveLength(2);
      expect(f.filter((i) => labels[i] === 'b')).toHaveLength(1);
    }
  });
});

describe(complement.name, () => {
  it('lists the indices not held out', () => {
    expect(complement(5, [1, 3])).toEqual([0, 2, 4]);
  });
});
