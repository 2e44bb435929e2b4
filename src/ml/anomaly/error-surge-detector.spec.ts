import { type Candidate, type DetectorSettings, type Observation } from './detector';
import { ErrorSurgeDetector } from './error-surge-detector';
import { SeededRandom } from './seeded-random';

/** A JSON round trip, as a job persisting the state would do. */
const json = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 0, 5);
const SETTINGS: DetectorSettings = { windowMs: MIN, learningMs: 6 * HOUR, sensitivity: 0.5 };

/** Seeded as every spec here: the detectors' own generator. */
const mulberry32 = (seed: number): (() => number) => new SeededRandom(seed).next;

function record(at: number, i: number, error: boolean, pattern: string): Observation {
  return {
    logId: `${at}-${i}`,
    service: 'auth',
    at: at + i,
    severityNumber: error ? 17 : 9,
    patternId: pattern,
    template: `template of ${pattern}`,
    newPattern: false,
    params: [],
    sessionKey: null,
  };
}

/** `records(w)` records per window, each an error with probability `share(w)`. */
function run(
  windows: number,
  records: (w: number) => number,
  share: (w: number) => number,
  rng: () => number,
  sut = new ErrorSurgeDetector(SETTINGS),
  from = 0,
): { candidates: Candidate[]; sut: ErrorSurgeDetector } {
  const candidates: Candidate[] = [];
  for (let w = from; w < from + windows; w++) {
    const at = T0 + w * MIN;
    const n = records(w);
    for (let i = 0; i < n; i++) {
      const error = rng() < share(w);
      const pattern = error ? (rng() < 0.8 ? 'db-down' : 'other-error') : 'ok';
      sut.observe(record(at, i, error, pattern), candidates);
    }
    sut.advance(at + MIN, candidates);
  }
  return { candidates, sut };
}

describe(ErrorSurgeDetector.name, () => {
  it('raises nothing over a clean week with a 2% error share and varying volume', () => {
    const rng = mulberry32(1);
    const { candidates } = run(
      7 * 1440,
      () => 20 + Math.floor(rng() * 180),
      () => 0.02,
      rng,
    );
    expect(candidates).toEqual([]);
  });

  it('flags errors rising from 2% to 30%, with the top error patterns as evidence', () => {
    const rng = mulberry32(2);
    const surge = 1440;
    const { candidates } = run(
      surge + 10,
      () => 100,
      (w) => (w >= surge ? 0.3 : 0.02),
      rng,
    );
    // Raised in its first window and every window while it lasts (the ensemble keeps one anomaly).
    expect([...new Set(candidates.map((x) => (x.from - T0) / MIN))]).toEqual(
      Array.from({ length: 10 }, (_, i) => surge + i),
    );
    // The first is raised before its window ends, as soon as the errors so far make a surge.
    expect(candidates[0]!.to).toBeLessThan(T0 + (surge + 1) * MIN);
    const c = candidates.find((x) => x.to === T0 + (surge + 1) * MIN);
    expect(c?.from).toBe(T0 + surge * MIN);
    expect(c?.subject).toBe('errors');
    expect(c?.score).toBeGreaterThan(0.9);
    expect(c?.evidence.patternIds).toEqual(['db-down', 'other-error']);
    expect(c?.evidence.templates?.[0]).toBe('template of db-down');
    expect(c?.evidence.exampleLogIds).toHaveLength(5);
    expect(c?.explanation).toMatch(
      /^errors rose to \d+% of records on auth \(normally \d(\.\d)?%\)$/,
    );
  });

  it('does not flag a window with too few records or errors', () => {
    const rng = mulberry32(3);
    const { candidates } = run(
      800,
      (w) => (w === 700 ? 4 : 100),
      (w) => (w === 700 ? 1 : 0.02),
      rng,
    );
    expect(candidates).toEqual([]);
  });

  it('stays silent while learning', () => {
    const rng = mulberry32(4);
    const { candidates } = run(
      300,
      () => 100,
      (w) => (w > 200 ? 0.5 : 0.02),
      rng,
    );
    expect(candidates).toEqual([]);
  });

  it('restores from state and continues exactly like the original', () => {
    const rng = mulberry32(5);
    const share = (w: number) => (w >= 500 ? 0.4 : 0.02);
    const first = run(400, () => 50, share, rng);
    const copy = ErrorSurgeDetector.fromState(json(first.sut.toState()), SETTINGS);
    const a = run(200, () => 50, share, mulberry32(9), first.sut, 400);
    const b = run(200, () => 50, share, mulberry32(9), copy, 400);
    expect(a.candidates.length).toBeGreaterThan(0);
    expect(b.candidates).toEqual(a.candidates);
    expect(copy.toState()).toEqual(first.sut.toState());
  });

  it('never throws on late records', () => {
    const sut = new ErrorSurgeDetector(SETTINGS);
    const out: Candidate[] = [];
    sut.observe(record(T0 + 5 * MIN, 0, true, 'x'), out);
    expect(() => sut.observe(record(T0, 1, true, 'x'), out)).not.toThrow();
    expect(sut.toState().services[0]?.total).toBe(1);
  });
});
