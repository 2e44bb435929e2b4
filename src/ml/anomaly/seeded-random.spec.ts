import { SeededRandom } from './seeded-random';

describe(SeededRandom.name, () => {
  it('repeats the same sequence for the same seed', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    for (let i = 0; i < 100; i++) expect(a.next()).toBe(b.next());
  });

  it('continues exactly from its state', () => {
    const sut = new SeededRandom(123);
    for (let i = 0; i < 10; i++) sut.next();
    const copy = new SeededRandom(sut.state);
    for (let i = 0; i < 50; i++) expect(copy.next()).toBe(sut.next());
  });

  it('draws roughly uniform numbers in [0, 1)', () => {
    const sut = new SeededRandom(1);
    const bins = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) {
      const x = sut.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      bins[Math.floor(x * 4)]!++;
    }
    for (const n of bins) expect(Math.abs(n - 10_000)).toBeLessThan(400);
  });

  it('rejects a non-finite seed', () => {
    expect(() => new SeededRandom(Number.NaN)).toThrow(RangeError);
  });
});
