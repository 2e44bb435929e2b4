import { SeasonalBaseline } from './seasonal-baseline';
import { SeededRandom } from './seeded-random';

/** A JSON round trip, as a job persisting the state would do. */
const json = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** A Monday, 00:00 UTC. */
const T0 = Date.UTC(2026, 0, 5);

/** Seeded as every spec here: the detectors' own generator. */
const mulberry32 = (seed: number): (() => number) => new SeededRandom(seed).next;

describe(SeasonalBaseline.name, () => {
  it('expects nothing before it has seen anything', () => {
    const sut = new SeasonalBaseline({ windowMs: MIN });
    expect(sut.expected(T0)).toEqual({ mean: 0, spread: 0, support: 0 });
  });

  it('learns a constant exactly, with no spread', () => {
    const sut = new SeasonalBaseline({ windowMs: MIN });
    for (let t = T0; t < T0 + DAY; t += MIN) sut.update(t, 7);
    const e = sut.expected(T0 + DAY + 5 * HOUR);
    expect(e.mean).toBeCloseTo(7, 5);
    expect(e.spread).toBeCloseTo(0, 5);
    expect(e.support).toBe(60);
  });

  it('follows a daily square wave by hour of day', () => {
    const sut = new SeasonalBaseline({ windowMs: MIN });
    const value = (t: number) => ((t % DAY) / HOUR < 12 ? 10 : 100);
    for (let t = T0; t < T0 + 4 * DAY; t += MIN) sut.update(t, value(t));
    expect(sut.expected(T0 + 4 * DAY + 3 * HOUR).mean).toBeCloseTo(10, 3);
    expect(sut.expected(T0 + 4 * DAY + 15 * HOUR).mean).toBeCloseTo(100, 3);
  });

  it('falls back to the recent global level for an hour it has not seen', () => {
    const sut = new SeasonalBaseline({ windowMs: MIN });
    for (let t = T0; t < T0 + 3 * HOUR; t += MIN) sut.update(t, 50);
    const e = sut.expected(T0 + 3 * HOUR);
    expect(e.mean).toBeCloseTo(50, 5);
    expect(e.support).toBe(180);
  });

  it('estimates the spread of noise as a standard deviation', () => {
    const rng = mulberry32(1);
    const sut = new SeasonalBaseline({ windowMs: MIN });
    for (let t = T0; t < T0 + 3 * DAY; t += MIN) {
      const u = Math.max(rng(), 1e-12);
      const gauss = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
      sut.update(t, 100 + 5 * gauss);
    }
    const e = sut.expected(T0 + 3 * DAY);
    expect(e.mean).toBeCloseTo(100, 0);
    expect(e.spread).toBeGreaterThan(4);
    expect(e.spread).toBeLessThan(6);
  });

  it('lets a down-weighted incident move the mean less', () => {
    const full = new SeasonalBaseline({ windowMs: MIN });
    const light = new SeasonalBaseline({ windowMs: MIN });
    for (let t = T0; t < T0 + DAY; t += MIN) {
      full.update(t, 10);
      light.update(t, 10);
    }
    for (let t = T0 + DAY; t < T0 + DAY + 10 * MIN; t += MIN) {
      full.update(t, 1000);
      light.update(t, 1000, 0.05);
    }
    const at = T0 + DAY + 10 * MIN;
    expect(light.expected(at).mean).toBeLessThan(full.expected(at).mean / 5);
  });

  it('uses hour-of-week buckets after two weeks (weekends differ)', () => {
    const sut = new SeasonalBaseline({ windowMs: 10 * MIN });
    const value = (t: number) => (Math.floor((t - T0) / DAY) % 7 >= 5 ? 5 : 50);
    for (let t = T0; t < T0 + 21 * DAY; t += 10 * MIN) sut.update(t, value(t));
    expect(sut.expected(T0 + 21 * DAY + 5 * DAY + 10 * HOUR).mean).toBeCloseTo(5, 0);
    expect(sut.expected(T0 + 21 * DAY + 2 * DAY + 10 * HOUR).mean).toBeCloseTo(50, 0);
    expect(sut.toState().data).toHaveLength(579);
  });

  it('round-trips through JSON state and continues identically', () => {
    const rng = mulberry32(2);
    const sut = new SeasonalBaseline({ windowMs: MIN, weekly: true });
    for (let t = T0; t < T0 + 8 * DAY; t += MIN) sut.update(t, rng() * 100, rng());
    const copy = SeasonalBaseline.fromState(json(sut.toState()));
    for (let t = T0 + 8 * DAY; t < T0 + 9 * DAY; t += MIN) {
      const v = rng() * 100;
      sut.update(t, v);
      copy.update(t, v);
    }
    expect(copy.toState()).toEqual(sut.toState());
    expect(copy.expected(T0 + 9 * DAY)).toEqual(sut.expected(T0 + 9 * DAY));
  });

  it('rejects bad input', () => {
    const sut = new SeasonalBaseline({ windowMs: MIN });
    expect(() => new SeasonalBaseline({ windowMs: 0 })).toThrow(RangeError);
    expect(() => sut.update(T0, Number.NaN)).toThrow(RangeError);
    expect(() => sut.update(T0, 1, 2)).toThrow(RangeError);
    expect(() => SeasonalBaseline.fromState({ ...sut.toState(), data: [1, 2] })).toThrow(
      RangeError,
    );
  });
});
