import type { AnomalyChange } from './anomaly-ensemble';
import { DEFAULT_DETECTORS } from './default-detectors';
import {
  type Candidate,
  DEFAULT_DETECTOR_SETTINGS,
  type Observation,
  type StreamingDetector,
} from './detector';
import {
  type DetectionConfig,
  type DetectorFactory,
  openScoreFor,
  TenantDetection,
} from './tenant-detection';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5);

const config = (overrides: Partial<DetectionConfig> = {}): DetectionConfig => ({
  settings: { ...DEFAULT_DETECTOR_SETTINGS, learningMs: 0 },
  enabled: ['new_pattern'],
  services: {},
  ...overrides,
});

function record(service: string, at: number, patternId: string, template: string): Observation {
  return {
    logId: `${service}-${at}`,
    service,
    at,
    severityNumber: 17,
    patternId,
    template,
    newPattern: true,
    params: [],
    sessionKey: null,
  };
}

describe(TenantDetection.name, () => {
  let n = 0;
  const newId = () => `anomaly-${++n}`;

  it('turns a new error pattern into an opened anomaly, and resolves it when quiet', () => {
    const sut = new TenantDetection(config(), DEFAULT_DETECTORS, newId);
    const out: AnomalyChange[] = [];
    sut.observe(record('api', T0, 'p1', 'Disk quota exceeded for volume data'), out);
    expect(out.map((c) => [c.type, c.anomaly.kind, c.anomaly.service])).toEqual([
      ['opened', 'new_pattern', 'api'],
    ]);
    sut.advance(T0 + 10 * MIN, out);
    expect(out.map((c) => c.type)).toEqual(['opened', 'resolved']);
    expect(sut.clock).toBe(T0 + 10 * MIN);
  });

  it('applies per-service settings: muted, fewer detectors, a longer learning period', () => {
    const sut = new TenantDetection(
      config({
        services: {
          quiet: { muted: true },
          narrow: { enabled: ['pattern_rate'] },
          young: { learningMs: 60 * MIN },
        },
      }),
      DEFAULT_DETECTORS,
      newId,
    );
    const out: AnomalyChange[] = [];
    sut.observe(record('quiet', T0, 'q1', 'Kernel panic in the payment enclave'), out);
    sut.observe(record('narrow', T0, 'n1', 'Kernel panic in the payment enclave'), out);
    sut.observe(record('young', T0, 'y1', 'Kernel panic in the payment enclave'), out);
    sut.observe(
      record('young', T0 + 30 * MIN, 'y2', 'Certificate for api.example.com expired'),
      out,
    );
    expect(out).toEqual([]);
    sut.observe(record('young', T0 + 61 * MIN, 'y3', 'Replica lag passed the safety limit'), out);
    expect(out.map((c) => c.anomaly.service)).toEqual(['young']);
  });

  it('restores from its state and carries on exactly like the original', () => {
    const a = new TenantDetection(
      config({ enabled: ['new_pattern', 'pattern_rate'] }),
      DEFAULT_DETECTORS,
      () => 'x',
    );
    const warm: AnomalyChange[] = [];
    for (let m = 0; m < 30; m++) {
      for (let i = 0; i < 5; i++)
        a.observe(record('api', T0 + m * MIN + i, 'p0', 'Request served'), warm);
    }
    const b = new TenantDetection(
      config({ enabled: ['new_pattern', 'pattern_rate'] }),
      DEFAULT_DETECTORS,
      () => 'x',
      JSON.parse(JSON.stringify(a.toState())),
    );
    const outA: AnomalyChange[] = [];
    const outB: AnomalyChange[] = [];
    for (const [sut, out] of [
      [a, outA],
      [b, outB],
    ] as const) {
      sut.observe(record('api', T0 + 31 * MIN, 'p9', 'Connection pool exhausted'), out);
      sut.advance(T0 + 40 * MIN, out);
    }
    expect(outB).toEqual(outA);
    expect(outA.length).toBeGreaterThan(0);
    expect(() => new TenantDetection(config(), DEFAULT_DETECTORS, newId, { version: 7 })).toThrow(
      TypeError,
    );
  });

  it('maps sensitivity to the ensemble’s open score', () => {
    expect(openScoreFor(0.5)).toBeCloseTo(0.6, 10);
    expect(openScoreFor(1)).toBeCloseTo(0.35, 10);
    expect(openScoreFor(0.1)).toBeCloseTo(0.8, 10);
  });
});

/**
 * A detector that turns every record into one pattern_rate candidate about its pattern, scored
 * by its first parameter: candidates exactly as a test wants them.
 */
class ScriptedDetector implements StreamingDetector<null> {
  readonly kind = 'pattern_rate';
  observe(o: Observation, out: Candidate[]): void {
    out.push({
      kind: this.kind,
      service: o.service,
      subject: o.patternId,
      from: o.at,
      to: o.at,
      score: Number(o.params[0]),
      explanation: `scripted ${o.patternId}`,
      evidence: { patternIds: [o.patternId], templates: [o.template], exampleLogIds: [o.logId] },
    });
  }
  advance(): void {}
  toState(): null {
    return null;
  }
}

const SCRIPTED: DetectorFactory = {
  ...DEFAULT_DETECTORS,
  pattern_rate: { create: () => new ScriptedDetector(), restore: () => new ScriptedDetector() },
};

describe(`${TenantDetection.name} with feedback`, () => {
  const scripted = (state?: unknown) =>
    new TenantDetection(config({ enabled: ['pattern_rate'] }), SCRIPTED, () => 'a', state);
  /** One candidate of `score` at minute `m` (ten minutes apart: each anomaly resolves first). */
  const candidate = (sut: TenantDetection, m: number, score: number, patternId = 'p1') => {
    const out: AnomalyChange[] = [];
    sut.advance(T0 + m * MIN - 1, out);
    const o = record('web', T0 + m * MIN, patternId, 'Lock wait timeout on <*>');
    sut.observe({ ...o, params: [String(score)] }, out);
    return out.filter((c) => c.type === 'opened').length;
  };
  const falsePositive = (sut: TenantDetection, m: number, patternId = 'p1') =>
    sut.applyFeedback({
      kind: 'pattern_rate',
      service: 'web',
      patternId,
      verdict: 'false_positive',
      at: T0 + m * MIN,
    });

  it('opens at the sensitivity’s open score, 0.1 higher after a false positive', () => {
    const sut = scripted();
    expect(candidate(sut, 0, 0.61)).toBe(1);
    falsePositive(sut, 1);
    expect(candidate(sut, 10, 0.69)).toBe(0);
    expect(candidate(sut, 20, 0.71)).toBe(1);
    // Another pattern of the same detector keeps the plain open score (0.6).
    expect(candidate(sut, 30, 0.61, 'p2')).toBe(1);
  });

  it('skips a pattern muted by three false positives, until a true positive', () => {
    const sut = scripted();
    for (let i = 0; i < 3; i++) falsePositive(sut, i);
    expect(candidate(sut, 10, 0.99)).toBe(0);
    sut.applyFeedback({
      kind: 'pattern_rate',
      service: 'web',
      patternId: 'p1',
      family: 'lock wait',
      verdict: 'true_positive',
      at: T0 + 11 * MIN,
    });
    // Unmuted, and lower than before any feedback: 0.6 − 0.05 (pattern) − 0.025 (family).
    expect(candidate(sut, 20, 0.52)).toBe(0);
    expect(candidate(sut, 30, 0.53)).toBe(1);
    // Its family's other patterns: 0.6 − 0.025.
    expect(candidate(sut, 40, 0.57, 'p2')).toBe(0);
    expect(candidate(sut, 50, 0.58, 'p2')).toBe(1);
    expect(sut.resetFeedback()).toBe(2);
    expect(candidate(sut, 60, 0.58)).toBe(0);
  });

  it('keeps feedback in its state, and restores states saved before feedback existed', () => {
    const a = scripted();
    for (let i = 0; i < 3; i++) falsePositive(a, i);
    const b = scripted(JSON.parse(JSON.stringify(a.toState())));
    expect(candidate(b, 10, 0.99)).toBe(0);
    const { feedback: _feedback, ...old } = a.toState();
    const c = scripted(JSON.parse(JSON.stringify(old)));
    expect(candidate(c, 10, 0.61)).toBe(1);
  });
});
