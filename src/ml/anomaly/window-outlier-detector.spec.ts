import type { Candidate, DetectorSettings, Observation } from './detector';
import { SeededRandom } from './seeded-random';
import { WindowOutlierDetector, type WindowOutlierDetectorState } from './window-outlier-detector';

const MINUTE = 60_000;
const SETTINGS: DetectorSettings = {
  windowMs: MINUTE,
  learningMs: 2 * 3_600_000,
  sensitivity: 0.5,
};
const T0 = Date.UTC(2026, 0, 1);
/** Pattern id → mean count per minute; 'fail' records are errors. */
const RATES: Record<string, number> = { req: 40, resp: 40, cache: 10, slow: 2, fail: 1 };

function poisson(mean: number, rng: () => number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng(); p > limit; p *= rng()) k++;
  return k;
}

let logs = 0;
function obs(service: string, patternId: string, at: number): Observation {
  return {
    logId: `log-${logs++}`,
    service,
    at,
    severityNumber: patternId === 'fail' ? 17 : 9,
    patternId,
    template: `${patternId} took <*> ms`,
    newPattern: false,
    params: ['1'],
    sessionKey: null,
  };
}

/** Plays minute `m` of a service with the given counts, then advances past it. */
function minute(
  sut: WindowOutlierDetector,
  service: string,
  m: number,
  counts: Record<string, number>,
  out: Candidate[],
): void {
  const start = T0 + m * MINUTE;
  for (const [id, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++) sut.observe(obs(service, id, start + ((i * 997) % MINUTE)), out);
  }
  sut.advance(start + MINUTE, out);
}

function stationary(rng: () => number, scale: Partial<Record<string, number>> = {}) {
  return Object.fromEntries(
    Object.entries(RATES).map(([id, r]) => [id, poisson(r * (scale[id] ?? 1), rng)]),
  );
}

describe(WindowOutlierDetector.name, () => {
  it('raises (almost) nothing on a clean day of stationary Poisson windows', () => {
    const sut = new WindowOutlierDetector(SETTINGS, { seed: 3 });
    const rng = new SeededRandom(11).next;
    const out: Candidate[] = [];
    for (let m = 0; m < 1_440; m++) minute(sut, 'checkout-api', m, stationary(rng), out);
    expect(out.length).toBeLessThanOrEqual(3);
  });

  it('flags a window in which one pattern is 50 times its usual count, and explains it', () => {
    const sut = new WindowOutlierDetector(SETTINGS, { seed: 3 });
    const rng = new SeededRandom(12).next;
    const out: Candidate[] = [];
    for (let m = 0; m < 300; m++) minute(sut, 'checkout-api', m, stationary(rng), out);
    const before = out.length;
    minute(sut, 'checkout-api', 300, { ...stationary(rng), slow: 100 }, out);
    expect(out.length).toBe(before + 1);
    const c = out[out.length - 1]!;
    expect(c).toMatchObject({
      kind: 'window_outlier',
      service: 'checkout-api',
      subject: 'window',
      from: T0 + 300 * MINUTE,
      to: T0 + 301 * MINUTE,
    });
    expect(c.score).toBeGreaterThanOrEqual(0.5);
    expect(c.evidence.patternIds[0]).toBe('slow');
    expect(c.evidence.observed).toBe(100);
    expect(c.evidence.expected).toBe(2);
    expect(c.evidence.exampleLogIds).toHaveLength(5);
    expect(c.explanation).toContain(
      'unusual mix of log patterns on checkout-api: `slow took <*> ms` 100 (normally 2)',
    );
  });

  it('flags a steady service going silent once, not every silent window', () => {
    const sut = new WindowOutlierDetector(SETTINGS, { seed: 3 });
    const rng = new SeededRandom(13).next;
    const out: Candidate[] = [];
    for (let m = 0; m < 300; m++) minute(sut, 'checkout-api', m, stationary(rng), out);
    const before = out.length;
    sut.advance(T0 + 330 * MINUTE, out);
    expect(out.length).toBe(before + 1);
    expect(out[out.length - 1]!.explanation).toContain('checkout-api went silent');
  });

  it('learns that a bursty service is mostly silent', () => {
    const sut = new WindowOutlierDetector(SETTINGS, { seed: 3 });
    const rng = new SeededRandom(14).next;
    const out: Candidate[] = [];
    for (let m = 0; m < 720; m++) {
      const counts: Record<string, number> =
        m % 10 === 0 ? { batch: 80 + poisson(20, rng), done: 1 } : {};
      minute(sut, 'nightly-batch', m, counts, out);
    }
    expect(out.length).toBeLessThanOrEqual(2);
  });

  it('restores exactly and continues identically', () => {
    const sut = new WindowOutlierDetector(SETTINGS, { seed: 5 });
    const rng = new SeededRandom(15).next;
    const out: Candidate[] = [];
    for (let m = 0; m < 200; m++) minute(sut, 'checkout-api', m, stationary(rng), out);
    sut.observe(obs('checkout-api', 'req', T0 + 200 * MINUTE + 5), out);
    const state = JSON.parse(JSON.stringify(sut.toState())) as WindowOutlierDetectorState;
    const restored = WindowOutlierDetector.fromState(state, SETTINGS);
    expect(restored.toState()).toEqual(sut.toState());
    const a: Candidate[] = [];
    const b: Candidate[] = [];
    for (let m = 200; m < 400; m++) {
      const counts = stationary(rng, m % 50 === 0 ? { cache: 20 } : {});
      const start = logs;
      minute(sut, 'checkout-api', m, counts, a);
      logs = start;
      minute(restored, 'checkout-api', m, counts, b);
    }
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(restored.toState()).toEqual(sut.toState());
  });

  it('counts a late record into the open window without crashing', () => {
    const sut = new WindowOutlierDetector(SETTINGS);
    const out: Candidate[] = [];
    minute(sut, 'api', 10, { req: 3 }, out);
    sut.observe(obs('api', 'req', T0), out);
    expect(sut.toState().services.api!.total).toBe(1);
  });

  it('rejects bad settings', () => {
    expect(() => new WindowOutlierDetector({ ...SETTINGS, sensitivity: 2 })).toThrow(RangeError);
    expect(() => new WindowOutlierDetector(SETTINGS, { minTraining: 1 })).toThrow(RangeError);
  });
});
