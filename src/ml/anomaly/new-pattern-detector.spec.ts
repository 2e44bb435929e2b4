import { type Candidate, type DetectorSettings, type Observation } from './detector';
import { NewPatternDetector } from './new-pattern-detector';
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

/** Templates of distinct patterns differ in more than one word (one word apart is a variant). */
function templateOf(patternId: string): string {
  const words = [...patternId].map((c) => `w${c.charCodeAt(0)}`);
  return `Failed ${words.join(' ')} to charge card <*>: <*> ${words.join('-')}`;
}

function record(
  patternId: string,
  at: number,
  severityNumber = 9,
  service = 'checkout-api',
  template = templateOf(patternId),
): Observation {
  return {
    logId: `${patternId}@${at}`,
    service,
    at,
    severityNumber,
    patternId,
    template,
    newPattern: false,
    params: ['1', '2'],
    sessionKey: null,
  };
}

/** A steady stream of `known` patterns, one record per 10 s, for `ms`. */
function steady(sut: NewPatternDetector, from: number, ms: number, rng: () => number): Candidate[] {
  const out: Candidate[] = [];
  for (let at = from; at < from + ms; at += 10_000) {
    sut.observe(record(`p${Math.floor(rng() * 20)}`, at), out);
  }
  return out;
}

describe(NewPatternDetector.name, () => {
  it('learns silently, then raises a novel error pattern once with a high score', () => {
    const rng = mulberry32(1);
    const sut = new NewPatternDetector(SETTINGS);
    expect(steady(sut, T0, DAY, rng)).toEqual([]);
    const out: Candidate[] = [];
    const boom = 'Failed to charge card <*>: <*> (boom)';
    sut.observe(record('boom', T0 + DAY, 17, 'checkout-api', boom), out);
    sut.observe(record('boom', T0 + DAY + 1000, 17, 'checkout-api', boom), out);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      kind: 'new_pattern',
      service: 'checkout-api',
      subject: 'boom',
      from: T0 + DAY,
      explanation: 'new error pattern on checkout-api: `Failed to charge card <*>: <*> (boom)`',
      evidence: { patternIds: ['boom'], exampleLogIds: [`boom@${T0 + DAY}`] },
    });
    expect(out[0]?.score).toBeCloseTo(0.9, 2);
  });

  it('scores warnings above info, and info above debug', () => {
    const sut = new NewPatternDetector(SETTINGS);
    steady(sut, T0, DAY, mulberry32(2));
    const out: Candidate[] = [];
    sut.observe(record('w', T0 + DAY, 13), out);
    sut.observe(record('i', T0 + DAY + HOUR, 9), out);
    sut.observe(record('d', T0 + DAY + 2 * HOUR, 5), out);
    const [w, i, d] = out.map((c) => c.score);
    expect(w).toBeGreaterThan(i ?? 1);
    expect(i).toBeGreaterThan(d ?? 1);
  });

  it('counts a pattern new to this service even if another service knows it', () => {
    const sut = new NewPatternDetector(SETTINGS);
    steady(sut, T0, DAY, mulberry32(3));
    const out: Candidate[] = [];
    sut.observe(record('p1', T0 + DAY, 17, 'billing'), out);
    expect(out).toEqual([]);
    sut.observe(record('p1', T0 + DAY + 7 * HOUR, 9, 'billing'), out);
    sut.observe(record('p1', T0 + DAY + 8 * HOUR, 9, 'billing'), out);
    expect(out).toEqual([]);
    sut.observe(record('p99', T0 + DAY + 8 * HOUR, 17, 'billing'), out);
    expect(out.map((c) => c.subject)).toEqual(['p99']);
  });

  it('damps the scores of a service that makes new patterns every few minutes', () => {
    const sut = new NewPatternDetector(SETTINGS);
    const out: Candidate[] = [];
    for (let k = 0, at = T0; at < T0 + DAY; at += 3 * MIN, k++) {
      sut.observe(record(`chatty${k}`, at, 17), out);
    }
    expect(out.length).toBeGreaterThan(0);
    expect(Math.max(...out.slice(-50).map((c) => c.score))).toBeLessThan(0.3);
  });

  it('forgets old patterns beyond the cap, oldest inserted first', () => {
    const sut = new NewPatternDetector(SETTINGS, { maxPatternsPerService: 3 });
    const out: Candidate[] = [];
    for (const [k, id] of ['a', 'b', 'c', 'd'].entries()) {
      sut.observe(record(id, T0 + k * 2 * DAY), out);
    }
    expect(sut.toState().services[0]?.known.map(([id]) => id)).toEqual(['b', 'c', 'd']);
  });

  it('damps a variant of a known pattern: one token apart is not news', () => {
    const sut = new NewPatternDetector(SETTINGS);
    const out: Candidate[] = [];
    sut.observe(record('a', T0, 13, 'checkout', 'coupon AAEFFD rejected: expired'), out);
    sut.observe(record('b', T0 + DAY, 13, 'checkout', 'coupon BFCCBD rejected: expired'), out);
    sut.observe(record('c', T0 + DAY + 1, 13, 'checkout', 'payment provider timed out'), out);
    expect(out.map((c) => c.subject)).toEqual(['b', 'c']);
    expect(out[0]!.score).toBeLessThan(0.3);
    expect(out[1]!.score).toBeGreaterThan(0.6);
  });

  it('restores from state and continues exactly like the original', () => {
    const sut = new NewPatternDetector(SETTINGS);
    steady(sut, T0, DAY, mulberry32(4));
    const copy = NewPatternDetector.fromState(json(sut.toState()), SETTINGS);
    const a: Candidate[] = [];
    const b: Candidate[] = [];
    for (let k = 0; k < 50; k++) {
      const o = record(`q${k % 30}`, T0 + DAY + k * 5 * MIN, 9 + (k % 3) * 4);
      sut.observe(o, a);
      copy.observe(o, b);
    }
    expect(a.length).toBe(30);
    expect(b).toEqual(a);
    expect(copy.toState()).toEqual(sut.toState());
  });

  it('does not throw on late or odd records', () => {
    const sut = new NewPatternDetector(SETTINGS);
    const out: Candidate[] = [];
    sut.observe(record('a', T0 + DAY), out);
    expect(() => sut.observe(record('b', T0), out)).not.toThrow();
    expect(() => sut.observe(record('c', Number.NaN), out)).not.toThrow();
    expect(() => sut.advance()).not.toThrow();
  });
});
