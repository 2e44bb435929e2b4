import type { AnomalyChange } from './anomaly-ensemble';
import { DEFAULT_DETECTORS } from './default-detectors';
import { DEFAULT_DETECTOR_SETTINGS, type Observation } from './detector';
import { type DetectionConfig, openScoreFor, TenantDetection } from './tenant-detection';

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
