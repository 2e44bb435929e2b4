import { type Candidate, type DetectorSettings, type Observation } from './detector';
import { ParameterOutlierDetector } from './parameter-outlier-detector';
import { parseMeasure } from './parameter-value';
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

function gauss(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng());
}

function record(at: number, params: string[], i = 0): Observation {
  return {
    logId: `r${at}-${i}`,
    service: 'checkout-api',
    at,
    severityNumber: 9,
    patternId: 'req',
    template: 'Request <*> served in <*> from <*>',
    newPattern: false,
    params,
    sessionKey: null,
  };
}

/**
 * Ten records a minute: param 0 a block id, param 1 a latency (lognormal, median
 * `median(w)` ms, sigma 0.25), param 2 a client port.
 */
function run(
  windows: number,
  median: (w: number) => number,
  rng: () => number,
  sut = new ParameterOutlierDetector(SETTINGS),
  from = 0,
  extra: (w: number) => string | null = () => null,
): { candidates: Candidate[]; sut: ParameterOutlierDetector } {
  const candidates: Candidate[] = [];
  for (let w = from; w < from + windows; w++) {
    const at = T0 + w * MIN;
    for (let i = 0; i < 10; i++) {
      const block = `-${1e18 + Math.floor(rng() * 1e15)}`;
      const ms = Math.round(median(w) * Math.exp(0.25 * gauss(rng)));
      const port = String(32768 + Math.floor(rng() * 28000));
      const latency = (i === 0 && extra(w)) || `${ms}ms`;
      sut.observe(record(at + i * 6000, [block, latency, port], i), candidates);
    }
    sut.advance(at + MIN, candidates);
  }
  return { candidates, sut };
}

describe(ParameterOutlierDetector.name, () => {
  it('parses numbers with units into ms, bytes and percent, and rejects the rest', () => {
    expect(parseMeasure('250')).toBe(250);
    expect(parseMeasure('250ms')).toBe(250);
    expect(parseMeasure('1.5s')).toBe(1500);
    expect(parseMeasure('2KiB')).toBe(2048);
    expect(parseMeasure('3MB')).toBe(3e6);
    expect(parseMeasure('-4.5')).toBe(-4.5);
    expect(parseMeasure('99%')).toBe(99);
    for (const s of ['', 'abc', '0x1f', '12ab', '10.0.0.1', '10:30', '-', '.', 'ms']) {
      expect(parseMeasure(s)).toBeNaN();
    }
  });

  it('raises nothing over a clean week, and never treats block ids or ports as measurements', () => {
    const { candidates, sut } = run(7 * 1440, () => 100, mulberry32(1));
    expect(candidates).toEqual([]);
    const modes = sut.toState().keys.map((k) => [k.index, k.numbers[1]]);
    expect(modes).toEqual([
      [0, 3],
      [1, 1],
      [2, 3],
    ]);
  });

  it('treats HTTP status codes as codes, not a quantity whose mean could drift', () => {
    const sut = new ParameterOutlierDetector(SETTINGS);
    const rng = mulberry32(5);
    const out: Candidate[] = [];
    for (let w = 0; w < 1500; w++) {
      const at = T0 + w * MIN;
      // 2% errors, then half of the requests fail with 500 after a day.
      const failing = w >= 1440 ? 0.5 : 0.02;
      for (let i = 0; i < 10; i++) {
        const status = rng() < failing ? '500' : rng() < 0.1 ? '404' : '200';
        sut.observe(record(at + i * 6000, [status, `${50 + i}ms`, 'x'], i), out);
      }
      sut.advance(at + MIN, out);
    }
    expect(out.filter((c) => c.subject === 'req#0')).toEqual([]);
    expect(sut.toState().keys.find((k) => k.index === 0)?.numbers[1]).toBe(3);
  });

  it('flags latency drifting from 100 ms to 400 ms over an hour, while it drifts', () => {
    const start = 1440;
    const median = (w: number) => 100 * 4 ** Math.min(1, Math.max(0, (w - start) / 60));
    const { candidates } = run(start + 90, median, mulberry32(2));
    const drift = candidates.filter((c) => c.to > c.from);
    expect(drift.length).toBeGreaterThanOrEqual(1);
    const [c] = drift;
    expect(c?.from).toBeGreaterThan(T0 + start * MIN);
    expect(c?.from).toBeLessThan(T0 + (start + 60) * MIN);
    expect(c).toMatchObject({
      kind: 'parameter_outlier',
      subject: 'req#1',
      evidence: { parameterIndex: 1, unit: 'ms', patternIds: ['req'] },
    });
    expect(c?.evidence.expected).toBeGreaterThan(80);
    expect(c?.evidence.expected).toBeLessThan(200);
    expect(c?.explanation).toMatch(
      /^parameter 2 of `Request <\*> served in <\*> from <\*>` drifted to \d+ ms on checkout-api \(typically \d+ ms\)$/,
    );
    expect(candidates.every((x) => x.from >= T0 + start * MIN)).toBe(true);
  });

  it('flags one extreme value at once, at most once per window', () => {
    const at = 1000;
    const { candidates } = run(
      at + 5,
      () => 100,
      mulberry32(3),
      undefined,
      0,
      (w) => (w === at ? '20s' : null),
    );
    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatchObject({
      from: T0 + at * MIN,
      to: T0 + at * MIN,
      subject: 'req#1',
      evidence: { observed: 20_000, unit: 'ms', exampleLogIds: [`r${T0 + at * MIN}-0`] },
    });
    expect(candidates[0]?.score).toBeGreaterThan(0.9);
  });

  it('ignores parameters that are mostly not numbers', () => {
    const sut = new ParameterOutlierDetector({ ...SETTINGS, learningMs: 0 });
    const out: Candidate[] = [];
    for (let k = 0; k < 2000; k++) {
      const word = k % 3 === 0 ? String(k % 7) : `user${k}`;
      sut.observe(record(T0 + k * 1000, ['1', word]), out);
    }
    sut.advance(T0 + DAY, out);
    expect(out).toEqual([]);
    expect(sut.toState().keys.find((k) => k.index === 1)?.numbers[1]).toBe(3);
  });

  it('restores from state and continues exactly like the original', () => {
    const start = 500;
    const median = (w: number) => 100 * 4 ** Math.min(1, Math.max(0, (w - start) / 60));
    const first = run(400, median, mulberry32(4));
    const copy = ParameterOutlierDetector.fromState(json(first.sut.toState()), SETTINGS);
    const extra = (w: number) => (w === 450 ? '9s' : null);
    const a = run(200, median, mulberry32(5), first.sut, 400, extra);
    const b = run(200, median, mulberry32(5), copy, 400, extra);
    expect(a.candidates.length).toBeGreaterThan(1);
    expect(b.candidates).toEqual(a.candidates);
    expect(copy.toState()).toEqual(first.sut.toState());
  });

  it('evicts the least recently seen key beyond maxKeys, and survives late records', () => {
    const sut = new ParameterOutlierDetector(SETTINGS, { maxKeys: 2 });
    const out: Candidate[] = [];
    sut.observe(record(T0 + 5 * MIN, ['1', '2', '3']), out);
    expect(() => sut.observe(record(T0, ['1', '2', '3']), out)).not.toThrow();
    expect(sut.size).toBe(2);
    expect(sut.toState().keys.map((k) => k.index)).toEqual([1, 2]);
  });
});
