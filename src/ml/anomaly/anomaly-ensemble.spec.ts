import { type AnomalyChange, AnomalyEnsemble } from './anomaly-ensemble';
import type { Candidate, DetectorKind } from './detector';

const MIN = 60_000;

function candidate(
  kind: DetectorKind,
  score: number,
  at: number,
  overrides: Partial<Candidate> = {},
): Candidate {
  return {
    kind,
    service: 'checkout',
    subject: `p-${kind}`,
    from: at - MIN,
    to: at,
    score,
    explanation: `${kind} at ${at}`,
    evidence: { patternIds: [`p-${kind}`], templates: [`T ${kind}`], exampleLogIds: [`log-${at}`] },
    ...overrides,
  };
}

describe(AnomalyEnsemble.name, () => {
  let n = 0;
  const make = () => new AnomalyEnsemble({}, () => `a${++n}`);

  it('opens one anomaly for a strong candidate, updates it while it continues, resolves it when quiet', () => {
    const sut = make();
    const out: AnomalyChange[] = [];
    sut.add(candidate('pattern_rate', 0.9, 10 * MIN), out);
    sut.add(candidate('pattern_rate', 0.92, 11 * MIN), out);
    sut.add(candidate('error_surge', 0.7, 12 * MIN), out);
    sut.advance(14 * MIN, out);
    expect(out.map((c) => c.type)).toEqual(['opened', 'updated']);
    const updated = out[1]!.anomaly;
    expect(updated).toMatchObject({
      kind: 'pattern_rate',
      kinds: ['pattern_rate', 'error_surge'],
      status: 'open',
      from: 9 * MIN,
      detectedAt: 10 * MIN,
      explanation: 'pattern_rate at 660000',
      subjects: ['p-pattern_rate', 'p-error_surge'],
    });
    expect(updated.score).toBeCloseTo(1 - (1 - 0.92) * (1 - 0.7), 10);
    expect(updated.evidence.patternIds).toEqual(['p-pattern_rate', 'p-error_surge']);
    expect(updated.evidence.templates).toEqual(['T pattern_rate', 'T error_surge']);
    expect(updated.evidence.exampleLogIds).toEqual([
      `log-${10 * MIN}`,
      `log-${11 * MIN}`,
      `log-${12 * MIN}`,
    ]);

    sut.advance(15 * MIN, out);
    expect(out.map((c) => c.type)).toEqual(['opened', 'updated', 'resolved']);
    expect(out[2]!.anomaly).toMatchObject({ id: updated.id, status: 'resolved', to: 12 * MIN });
    expect(sut.open).toEqual([]);
  });

  it('needs weak candidates of different detectors to agree before it opens', () => {
    const sut = make();
    const out: AnomalyChange[] = [];
    sut.add(candidate('pattern_rate', 0.4, 10 * MIN), out);
    sut.add(candidate('pattern_rate', 0.45, 10 * MIN + 1000), out);
    expect(out).toEqual([]);
    // Too late to corroborate the first: nothing.
    sut.add(candidate('error_surge', 0.4, 20 * MIN), out);
    expect(out).toEqual([]);
    sut.add(candidate('window_outlier', 0.45, 20 * MIN + 5000), out);
    expect(out.map((c) => c.type)).toEqual(['opened']);
    expect(out[0]!.anomaly.kinds).toEqual(['window_outlier', 'error_surge']);
    expect(out[0]!.anomaly.score).toBeCloseTo(1 - 0.6 * 0.55, 10);
  });

  it('needs a window outlier corroborated, or strong, before it opens an anomaly', () => {
    const sut = make();
    const out: AnomalyChange[] = [];
    sut.add(candidate('window_outlier', 0.7, MIN, { service: 'a' }), out);
    expect(out).toEqual([]);
    sut.add(candidate('window_outlier', 0.8, MIN, { service: 'b' }), out);
    sut.add(candidate('window_outlier', 0.55, MIN, { service: 'c' }), out);
    sut.add(candidate('pattern_rate', 0.3, MIN + 1, { service: 'c' }), out);
    expect(out.map((c) => c.anomaly.service)).toEqual(['b', 'c']);
  });

  it('keeps services apart and honours a per-service open score', () => {
    const sut = make();
    const out: AnomalyChange[] = [];
    sut.add(candidate('new_pattern', 0.5, MIN, { service: 'a' }), out);
    sut.add(candidate('new_pattern', 0.5, MIN, { service: 'b' }), out, 0.45);
    expect(out.map((c) => [c.type, c.anomaly.service])).toEqual([['opened', 'b']]);
  });

  it('does not let a trickle of weak candidates keep an anomaly open', () => {
    const sut = make();
    const out: AnomalyChange[] = [];
    sut.add(candidate('sequence', 0.95, MIN), out);
    for (let m = 2; m < 10; m++) sut.add(candidate('parameter_outlier', 0.2, m * MIN), out);
    sut.advance(5 * MIN, out);
    expect(out.map((c) => c.type)).toEqual(['opened', 'resolved']);
  });

  it('restores from its state and carries on identically', () => {
    const sut = make();
    const out: AnomalyChange[] = [];
    sut.add(candidate('pattern_rate', 0.9, 10 * MIN), out);
    sut.add(candidate('error_surge', 0.3, 10 * MIN), out);
    const restored = AnomalyEnsemble.fromState(
      JSON.parse(JSON.stringify(sut.toState())),
      {},
      () => 'unused',
    );
    const a: AnomalyChange[] = [];
    const b: AnomalyChange[] = [];
    for (const [e, o] of [
      [sut, a],
      [restored, b],
    ] as const) {
      e.add(candidate('sequence', 0.8, 11 * MIN), o);
      e.advance(20 * MIN, o);
    }
    expect(b).toEqual(a);
    expect(() => AnomalyEnsemble.fromState({ version: 9 }, {}, () => '')).toThrow(TypeError);
  });

  it('resolves the quietest anomaly when too many are open', () => {
    const sut = new AnomalyEnsemble({ maxOpen: 2 }, () => `x${++n}`);
    const out: AnomalyChange[] = [];
    sut.add(candidate('new_pattern', 0.9, MIN, { service: 's1' }), out);
    sut.add(candidate('new_pattern', 0.9, 2 * MIN, { service: 's2' }), out);
    sut.add(candidate('new_pattern', 0.9, 3 * MIN, { service: 's3' }), out);
    expect(out.map((c) => `${c.type}:${c.anomaly.service}`)).toEqual([
      'opened:s1',
      'opened:s2',
      'resolved:s1',
      'opened:s3',
    ]);
  });
});
