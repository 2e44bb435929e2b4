import { IsolationForest, type IsolationForestState, averagePathLength } from './isolation-forest';
import { SeededRandom } from './seeded-random';

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function cluster(n: number, centre: number[], spread: number, rng: () => number): number[][] {
  return Array.from({ length: n }, () => centre.map((c) => c + spread * gaussian(rng)));
}

describe(IsolationForest.name, () => {
  const rng = new SeededRandom(2008).next;
  const inliers = cluster(500, [0, 0, 0], 1, rng);
  const outliers = cluster(10, [8, 8, 8], 0.3, rng);
  const sut = IsolationForest.fit([...inliers, ...outliers], { rng });

  it('scores an obvious outlier cluster high and the inliers low', () => {
    for (const o of outliers) expect(sut.score(o)).toBeGreaterThan(0.7);
    const mean = inliers.reduce((s, x) => s + sut.score(x), 0) / inliers.length;
    expect(mean).toBeLessThan(0.55);
    expect(sut.score([0, 0, 0])).toBeLessThan(0.55);
  });

  it('scores a point far beyond its training range higher than the extreme sample', () => {
    const rows = cluster(300, [0, 0, 0, 0], 1, new SeededRandom(4).next);
    const forest = IsolationForest.fit(rows, { rng: new SeededRandom(8).next });
    const max = Math.max(...rows.map((r) => r[0]!));
    const edge = forest.score([max, 0, 0, 0]);
    const far = forest.score([max + 20, 0, 0, 0]);
    expect(far).toBeGreaterThan(edge + 0.1);
    expect(far).toBeGreaterThan(0.7);
  });

  it('normalises with c(n) = 2H(n-1) - 2(n-1)/n', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    let harmonic = 0;
    for (let i = 1; i <= 255; i++) harmonic += 1 / i;
    expect(averagePathLength(256)).toBeCloseTo(2 * harmonic - (2 * 255) / 256, 2);
  });

  it('is deterministic for a seed and survives a JSON round trip', () => {
    const rows = cluster(100, [1, 2], 1, new SeededRandom(5).next);
    const a = IsolationForest.fit(rows, { trees: 20, rng: new SeededRandom(9).next });
    const b = IsolationForest.fit(rows, { trees: 20, rng: new SeededRandom(9).next });
    const restored = IsolationForest.fromState(
      JSON.parse(JSON.stringify(a.toState())) as IsolationForestState,
    );
    for (const x of [
      [1, 2],
      [5, -3],
      [0, 0],
    ]) {
      expect(b.score(x)).toBe(a.score(x));
      expect(restored.score(x)).toBe(a.score(x));
    }
    expect(restored.trees).toBe(20);
  });

  it('ignores constant dimensions and handles identical samples', () => {
    const same = IsolationForest.fit(
      [
        [1, 0],
        [1, 0],
        [1, 0],
      ],
      { rng },
    );
    expect(same.score([1, 0])).toBeGreaterThan(0);
    expect(same.score([1, 0])).toBeLessThanOrEqual(1);
  });

  it('rejects bad input', () => {
    expect(() => IsolationForest.fit([[1]], { rng })).toThrow(RangeError);
    expect(() => IsolationForest.fit([[1], [1, 2]], { rng })).toThrow(RangeError);
    expect(() => sut.score([1])).toThrow(RangeError);
  });
});
