import { type Candidate, type DetectorSettings, type Observation } from './detector';
import { PatternRateDetector } from './pattern-rate-detector';
import { SeededRandom } from './seeded-random';

/** A JSON round trip, as a job persisting the state would do. */
const json = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 5);
const SETTINGS: DetectorSettings = { windowMs: MIN, learningMs: 6 * HOUR, sensitivity: 0.5 };

/** Seeded as every spec here: the detectors' own generator. */
const mulberry32 = (seed: number): (() => number) => new SeededRandom(seed).next;

function poisson(lambda: number, rng: () => number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = rng(); p > limit; p *= rng()) k++;
  return k;
}

function record(patternId: string, at: number, i: number, service = 'checkout-api'): Observation {
  return {
    logId: `${patternId}-${at}-${i}`,
    service,
    at: at + ((i * 997) % MIN),
    severityNumber: 9,
    patternId,
    template: `Timeout connecting to <*> (${patternId})`,
    newPattern: false,
    params: ['db'],
    sessionKey: null,
  };
}

/** Daily-seasonal rate: `level` at the daily mean, +-`amp` over the day. */
const seasonal = (level: number, amp: number) => (at: number) =>
  level + amp * Math.sin((2 * Math.PI * (at % DAY)) / DAY);

interface Run {
  candidates: Candidate[];
  sut: PatternRateDetector;
}

function run(
  rates: Record<string, (at: number, w: number) => number>,
  windows: number,
  rng: () => number,
  sut = new PatternRateDetector(SETTINGS),
  from = 0,
): Run {
  const candidates: Candidate[] = [];
  for (let w = from; w < from + windows; w++) {
    const at = T0 + w * MIN;
    for (const [id, rate] of Object.entries(rates)) {
      const n = poisson(rate(at, w), rng);
      for (let i = 0; i < n; i++) sut.observe(record(id, at, i), candidates);
    }
    sut.advance(at + MIN, candidates);
  }
  return { candidates, sut };
}

describe(PatternRateDetector.name, () => {
  it('raises nothing over a clean seasonal week of one-minute windows', () => {
    const rng = mulberry32(1);
    const { candidates } = run(
      { a: seasonal(20, 15), b: seasonal(200, 120), c: () => 3, rare: () => 0.2 },
      7 * 1440,
      rng,
    );
    expect(candidates).toEqual([]);
  });

  it('flags an injected 10x spike in exactly that window', () => {
    const rng = mulberry32(2);
    const spikeAt = 2 * 1440 + 600;
    const base = seasonal(20, 15);
    const all = run({ a: (at, w) => (w === spikeAt ? 10 * base(at) : base(at)) }, 3 * 1440, rng);
    // The service's whole volume is a series too, which watches for outages, not floods.
    expect(all.candidates.filter((x) => x.subject === '(volume)')).toEqual([]);
    const candidates = all.candidates.filter((x) => x.subject === 'a');
    // Raised mid-window as soon as the count makes it a spike, then with the whole window's count.
    expect(candidates.map((x) => x.from)).toEqual([T0 + spikeAt * MIN, T0 + spikeAt * MIN]);
    const [early, c] = candidates;
    expect(early!.to).toBeLessThan(T0 + (spikeAt + 1) * MIN);
    expect(early!.score).toBeGreaterThanOrEqual(0.5);
    expect(c?.to).toBe(T0 + (spikeAt + 1) * MIN);
    expect(c?.subject).toBe('a');
    expect(c?.score).toBeGreaterThan(0.9);
    expect(c?.explanation).toMatch(
      /^`Timeout connecting to <\*> \(a\)` rose from \d+\/min to \d+\/min on checkout-api$/,
    );
    expect(c?.evidence.exampleLogIds).toHaveLength(5);
    expect(c?.evidence.observed).toBeGreaterThan(5 * (c?.evidence.expected ?? 0));
  });

  it('flags a pattern that goes silent within two windows, even with no records at all', () => {
    const rng = mulberry32(3);
    const stopAt = 1440;
    const { candidates, sut } = run({ a: (_, w) => (w < stopAt ? 30 : 0) }, stopAt + 1, rng);
    sut.advance(T0 + (stopAt + 3) * MIN, candidates);
    expect(candidates.length).toBeGreaterThanOrEqual(1);
    const [c] = candidates;
    expect(c?.from).toBeLessThanOrEqual(T0 + (stopAt + 1) * MIN);
    expect(c?.from).toBeGreaterThanOrEqual(T0 + stopAt * MIN);
    expect(c?.explanation).toMatch(/fell from \d+\/min to 0\/min on checkout-api/);
  });

  it('adds up silent windows: a steady 2/min pattern that stops is raised within ten or so', () => {
    const stopAt = 1440;
    const { candidates, sut } = run(
      { beat: (_, w) => (w < stopAt ? 2 : 0) },
      stopAt,
      mulberry32(6),
    );
    expect(candidates).toEqual([]);
    sut.advance(T0 + (stopAt + 30) * MIN, candidates);
    // Raised from the first conclusive window on, window after window (the service is this one
    // pattern, so its level follows it down and the expectation with it, slowly).
    expect(candidates.length).toBeGreaterThan(3);
    expect(candidates.every((c) => c.evidence.observed === 0)).toBe(true);
    const late = (candidates[0]!.from - T0) / MIN - stopAt;
    // One silent window is ordinary at 2/min (p = e^-2); eight in a row are not (e^-16).
    expect(late).toBeGreaterThanOrEqual(6);
    expect(late).toBeLessThanOrEqual(16);
    expect(candidates[0]!.evidence.observed).toBe(0);
  });

  it('knows an intermittent pattern by its bursts: the usual ones and its absence are normal', () => {
    // A batch of ~35 records at minute 30 of each hour, nothing otherwise, for three days.
    const hourly = (_: number, w: number) => (w % 60 === 30 ? 35 : 0);
    expect(run({ batch: hourly }, 3 * 1440, mulberry32(12)).candidates).toEqual([]);
    // A burst ten times its usual size is still raised.
    const flood = (at: number, w: number) => (w === 3 * 1440 - 30 ? 350 : hourly(at, w));
    const flagged = run({ batch: flood }, 3 * 1440, mulberry32(12)).candidates;
    expect([...new Set(flagged.map((c) => (c.from - T0) / MIN))]).toEqual([3 * 1440 - 30]);
  });

  it('follows the service’s level: a quiet day for the whole service is not a drop of each pattern', () => {
    // Every pattern of the service at 40% from window 1000 on (a weekend), gradually.
    const level = (w: number) => (w < 1000 ? 1 : Math.max(0.4, 1 - (w - 1000) / 120));
    const rates = Object.fromEntries(
      ['p1', 'p2', 'p3', 'p4'].map((id) => [id, (_: number, w: number) => 30 * level(w)]),
    );
    expect(run(rates, 1300, mulberry32(13)).candidates).toEqual([]);
  });

  it('raises an outage of a whole service on its volume, and not a quiet half of it', () => {
    const rates = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [
        `p${i}`,
        (_: number, w: number) => (w < 1440 ? 1 : 0.05),
      ]),
    );
    const outage = run(rates, 1450, mulberry32(14)).candidates;
    const volume = outage.filter((c) => c.subject === '(volume)');
    expect(volume.length).toBeGreaterThan(0);
    expect(volume[0]!.explanation).toMatch(
      /^all records of checkout-api fell from 20\/min to \d\/min$/,
    );
    expect((volume[0]!.from - T0) / MIN).toBeLessThan(1443);
    const halved = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [
        `p${i}`,
        (_: number, w: number) => (w < 1440 ? 1 : 0.5),
      ]),
    );
    expect(
      run(halved, 1450, mulberry32(14)).candidates.filter((c) => c.subject === '(volume)'),
    ).toEqual([]);
  });

  it('raises a partial drop only once it lasts a second window', () => {
    // Beside a steady pattern of the same service, which holds the service's level.
    const lone = run({ a: (_, w) => (w === 1000 ? 20 : 60), bg: () => 60 }, 1010, mulberry32(8));
    expect(lone.candidates).toEqual([]);
    const lasting = run({ a: (_, w) => (w >= 1000 ? 20 : 60), bg: () => 60 }, 1010, mulberry32(8));
    expect(lasting.candidates.map((c) => (c.from - T0) / MIN)).toEqual([
      1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009,
    ]);
  });

  it('flags a modest rise (20 to 35 per window) at sensitivity 1 but not at 0.5', () => {
    const rates = { a: (_: number, w: number) => (w === 1000 ? 35 : 20) };
    expect(run(rates, 1005, mulberry32(9)).candidates).toEqual([]);
    const eager = new PatternRateDetector({ ...SETTINGS, sensitivity: 1 });
    const flagged = run(rates, 1005, mulberry32(9), eager).candidates;
    expect(flagged.map((c) => (c.from - T0) / MIN)).toContain(1000);
  });

  it('never flags a rare pattern (0.2 per window) that stops or bursts a little', () => {
    const rng = mulberry32(4);
    const { candidates } = run(
      { rare: (_, w) => (w < 2000 ? 0.2 : w < 2100 ? 0.8 : 0) },
      3000,
      rng,
    );
    expect(candidates).toEqual([]);
  });

  it('stays silent during the learning period', () => {
    const rng = mulberry32(5);
    const { candidates } = run({ a: (_, w) => (w === 100 ? 500 : 20) }, 200, rng);
    expect(candidates).toEqual([]);
  });

  it('says "per 5 min" for five-minute windows', () => {
    const settings = { ...SETTINGS, windowMs: 5 * MIN, learningMs: 0 };
    const sut = new PatternRateDetector(settings);
    const out: Candidate[] = [];
    for (let w = 0; w < 300; w++) {
      const at = T0 + w * 5 * MIN;
      const n = w === 299 ? 400 : 20;
      for (let i = 0; i < n; i++) sut.observe(record('a', at, i), out);
      sut.advance(at + 5 * MIN, out);
    }
    expect(out.at(-1)?.explanation).toMatch(/rose from 20 per 5 min to 400 per 5 min/);
  });

  it('ignores late records and non-finite times without throwing', () => {
    const sut = new PatternRateDetector(SETTINGS);
    const out: Candidate[] = [];
    sut.observe(record('a', T0 + 10 * MIN, 0), out);
    expect(() => sut.observe(record('a', T0, 0), out)).not.toThrow();
    expect(() => sut.observe({ ...record('a', T0, 0), at: Number.NaN }, out)).not.toThrow();
    expect(sut.toState().series[0]?.count).toBe(1);
  });

  it('evicts the least recently seen series beyond maxSeries', () => {
    // Each service has a volume series beside its patterns' series.
    const sut = new PatternRateDetector(SETTINGS, { maxSeries: 3 });
    const out: Candidate[] = [];
    sut.observe(record('a', T0, 0), out);
    sut.observe(record('b', T0, 0), out);
    sut.observe(record('a', T0 + MIN, 0), out);
    sut.observe(record('c', T0 + MIN, 0), out);
    expect(sut.size).toBe(3);
    expect(sut.toState().series.map((s) => s.patternId)).toEqual(['a', '(volume)', 'c']);
  });

  it('restores from state and continues exactly like the original', () => {
    const rng = mulberry32(6);
    const rates = { a: seasonal(20, 15), b: (_: number, w: number) => (w > 1000 ? 0 : 40) };
    const first = run(rates, 900, rng);
    const restored = PatternRateDetector.fromState(json(first.sut.toState()), SETTINGS);
    const seed = 7;
    const a = run(rates, 300, mulberry32(seed), first.sut, 900);
    const b = run(rates, 300, mulberry32(seed), restored, 900);
    expect(b.candidates).toEqual(a.candidates);
    expect(a.candidates.length).toBeGreaterThan(0);
    expect(restored.toState()).toEqual(first.sut.toState());
  });

  it('rejects settings out of range', () => {
    expect(() => new PatternRateDetector({ ...SETTINGS, sensitivity: 0 })).toThrow(RangeError);
    expect(() => new PatternRateDetector({ ...SETTINGS, windowMs: -1 })).toThrow(RangeError);
  });
});
