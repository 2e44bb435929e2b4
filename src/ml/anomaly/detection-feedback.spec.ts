import {
  DetectionFeedback,
  type DetectionFeedbackRecord,
  FALSE_POSITIVE_STEP,
  FEEDBACK_HALF_LIFE_MS,
  MAX_FEEDBACK_ENTRIES,
  MAX_RAISE,
  MAX_SPREAD_RAISE,
  MUTE_AFTER,
  MUTE_DETECTOR_AFTER,
  NOISE_STEP,
} from './detection-feedback';

const T0 = Date.UTC(2026, 0, 5);
const DAY = 86_400_000;

const fp = (patternId: string | null, at = T0, more: Partial<DetectionFeedbackRecord> = {}) =>
  ({
    kind: 'pattern_rate',
    service: 'web',
    patternId,
    verdict: 'false_positive',
    at,
    ...more,
  }) satisfies DetectionFeedbackRecord;
const tp = (patternId: string | null, at = T0, more: Partial<DetectionFeedbackRecord> = {}) =>
  fp(patternId, at, { verdict: 'true_positive', ...more });
const key = (patternId: string | null, more: { service?: string; family?: string } = {}) => ({
  kind: 'pattern_rate' as const,
  service: more.service ?? 'web',
  patternId,
  ...(more.family === undefined ? {} : { family: more.family }),
});

describe(DetectionFeedback.name, () => {
  it('raises a pattern by the documented step per verdict: 0.1 per false positive, 0.05 per noise', () => {
    const sut = new DetectionFeedback();
    sut.apply(fp('p1'));
    expect(sut.adjustment(key('p1'), T0)).toEqual({ shift: FALSE_POSITIVE_STEP, muted: false });
    expect(FALSE_POSITIVE_STEP).toBe(0.1);
    sut.apply(fp('p2', T0, { verdict: 'noise' }));
    expect(sut.adjustment(key('p2'), T0).shift).toBeCloseTo(NOISE_STEP, 12);
    expect(NOISE_STEP).toBe(0.05);
    // Other patterns, services and kinds are left alone.
    expect(sut.adjustment(key('p3'), T0)).toEqual({ shift: 0, muted: false });
    expect(sut.adjustment(key('p1', { service: 'db' }), T0)).toEqual({ shift: 0, muted: false });
    expect(sut.adjustment({ ...key('p1'), kind: 'new_pattern' }, T0).shift).toBe(0);
  });

  it('halves a raise every half-life (a week), and adds a later verdict to what is left', () => {
    const sut = new DetectionFeedback();
    sut.apply(fp('p1'));
    expect(FEEDBACK_HALF_LIFE_MS).toBe(7 * DAY);
    expect(sut.adjustment(key('p1'), T0 + 7 * DAY).shift).toBeCloseTo(0.05, 12);
    expect(sut.adjustment(key('p1'), T0 + 14 * DAY).shift).toBeCloseTo(0.025, 12);
    // A time before the verdict never grows it.
    expect(sut.adjustment(key('p1'), T0 - DAY).shift).toBeCloseTo(0.1, 12);
    sut.apply(fp('p1', T0 + 7 * DAY));
    expect(sut.adjustment(key('p1'), T0 + 7 * DAY).shift).toBeCloseTo(0.15, 12);
  });

  it('mutes a pattern after three false positives, and one true positive unmutes and lowers it', () => {
    const sut = new DetectionFeedback();
    expect(MUTE_AFTER).toBe(3);
    sut.apply(fp('p1'));
    sut.apply(fp('p1', T0 + 1));
    expect(sut.adjustment(key('p1'), T0 + 1).muted).toBe(false);
    expect(sut.adjustment(key('p1'), T0 + 1).shift).toBeCloseTo(0.2, 6);
    sut.apply(fp('p1', T0 + 2));
    expect(sut.adjustment(key('p1'), T0 + 2).muted).toBe(true);
    // The detector's other patterns stay audible (three false positives on one pattern only).
    expect(sut.adjustment(key('p2'), T0 + 2)).toEqual({ shift: 0, muted: false });
    // A confirmed incident cancels the raise at once, then lowers the pattern by 0.05 (and,
    // with no family given, the detector on the service by 0.025).
    sut.apply(tp('p1', T0 + 3));
    expect(sut.adjustment(key('p1'), T0 + 3).muted).toBe(false);
    expect(sut.adjustment(key('p1'), T0 + 3).shift).toBeCloseTo(-0.075, 6);
    // Strikes start again from zero: two more false positives do not mute.
    sut.apply(fp('p1', T0 + 4));
    sut.apply(fp('p1', T0 + 5));
    expect(sut.adjustment(key('p1'), T0 + 5).muted).toBe(false);
    expect(sut.adjustment(key('p1'), T0 + 5).shift).toBeCloseTo(-0.075 + 0.2, 6);
  });

  it('caps a raise at three false positives’ worth and a lowering at two true positives’', () => {
    const sut = new DetectionFeedback();
    for (let i = 0; i < 5; i++) sut.apply(fp('p1', T0, { verdict: 'noise' }));
    sut.apply(fp('p1'));
    sut.apply(fp('p1'));
    expect(MAX_RAISE).toBe(0.3);
    expect(sut.adjustment(key('p1'), T0).shift).toBeCloseTo(0.3, 12);
    for (let i = 0; i < 4; i++) sut.apply(tp('p9'));
    // Pattern -0.05 × 4 held at -0.1; without a family the detector takes -0.025 × 4 = -0.1;
    // together -0.2, held at -0.15 (MAX_TOTAL_LOWER).
    expect(sut.adjustment(key('p9'), T0).shift).toBeCloseTo(-0.15, 12);
  });

  it('lowers similar patterns on a true positive: the family when given, else the detector', () => {
    const sut = new DetectionFeedback();
    sut.apply(tp('p1', T0, { family: 'timeout connecting' }));
    expect(sut.adjustment(key('p1', { family: 'timeout connecting' }), T0).shift).toBeCloseTo(
      -0.075,
      12,
    );
    expect(sut.adjustment(key('p2', { family: 'timeout connecting' }), T0).shift).toBeCloseTo(
      -0.025,
      12,
    );
    expect(sut.adjustment(key('p3', { family: 'disk full' }), T0).shift).toBe(0);
    expect(sut.adjustment(key('p2', { family: 'timeout connecting', service: 'db' }), T0)).toEqual({
      shift: 0,
      muted: false,
    });
    sut.apply(tp('q1', T0, { service: 'db' }));
    expect(sut.adjustment(key('q7', { service: 'db' }), T0).shift).toBeCloseTo(-0.025, 12);
  });

  it('raises the detector on the service once false alarms spread over three patterns', () => {
    const sut = new DetectionFeedback();
    sut.apply(fp('p1'));
    sut.apply(fp('p2'));
    expect(sut.adjustment(key('p9'), T0).shift).toBe(0);
    // The third pattern: the detector takes the verdict's step too (0.1, then 0.05 for noise).
    sut.apply(fp('p3'));
    expect(sut.adjustment(key('p9'), T0).shift).toBeCloseTo(0.1, 12);
    sut.apply(fp('p4', T0, { verdict: 'noise' }));
    expect(sut.adjustment(key('p9'), T0).shift).toBeCloseTo(0.15, 12);
    sut.apply(fp('p5'));
    sut.apply(fp('p6'));
    expect(MAX_SPREAD_RAISE).toBe(0.2);
    expect(sut.adjustment(key('p99'), T0).shift).toBeCloseTo(0.2, 12);
    expect(sut.adjustment(key('p1'), T0).shift).toBeCloseTo(0.3, 12);
    expect(sut.adjustment(key('p1', { service: 'db' }), T0).shift).toBe(0);
  });

  it('mutes a detector on a service after five pattern-less false positives; a true positive unmutes', () => {
    const sut = new DetectionFeedback();
    const surge = (verdict: DetectionFeedbackRecord['verdict'], patternId: string | null = null) =>
      sut.apply({ kind: 'error_surge', service: 'web', patternId, verdict, at: T0 });
    expect(MUTE_DETECTOR_AFTER).toBe(5);
    for (let i = 0; i < 4; i++) surge('false_positive');
    expect(sut.adjustment({ kind: 'error_surge', service: 'web' }, T0)).toEqual({
      shift: 0.3,
      muted: false,
    });
    surge('false_positive');
    expect(sut.adjustment({ kind: 'error_surge', service: 'web' }, T0).muted).toBe(true);
    expect(sut.adjustment({ kind: 'error_surge', service: 'web', patternId: 'x' }, T0).muted).toBe(
      true,
    );
    surge('true_positive', 'x');
    expect(sut.adjustment({ kind: 'error_surge', service: 'web' }, T0).muted).toBe(false);
  });

  it('forgets on reset: one pattern, a service, or everything', () => {
    const sut = new DetectionFeedback();
    for (let i = 0; i < 3; i++) sut.apply(fp('p1'));
    sut.apply(fp('q1', T0, { service: 'db' }));
    expect(sut.reset({ patternId: 'p1' })).toBe(1);
    expect(sut.adjustment(key('p1'), T0)).toEqual({ shift: 0, muted: false });
    expect(sut.adjustment(key('q1', { service: 'db' }), T0).shift).toBeCloseTo(0.1, 12);
    expect(sut.reset()).toBe(1);
    expect(sut.size).toBe(0);
  });

  it('restores from its JSON state exactly, leaving out what decayed to nothing', () => {
    const a = new DetectionFeedback();
    for (let i = 0; i < 3; i++) a.apply(fp('p1'));
    a.apply(tp('p2', T0, { family: 'disk full' }));
    a.apply(fp(null, T0, { kind: 'window_outlier' }));
    const b = DetectionFeedback.fromState(JSON.parse(JSON.stringify(a.toState(T0))));
    for (const k of [
      key('p1'),
      key('p2', { family: 'disk full' }),
      key('p3', { family: 'disk full' }),
      { kind: 'window_outlier' as const, service: 'web' },
    ]) {
      expect(b.adjustment(k, T0 + DAY)).toEqual(a.adjustment(k, T0 + DAY));
    }
    // Only the true positives' lowerings can decay away entirely (strikes and mutes stay).
    expect(a.toState(T0 + 365 * DAY).entries.map((e) => e.name)).toEqual(['p1', null]);
    expect(() => DetectionFeedback.fromState({ version: 2, entries: [] })).toThrow(TypeError);
    expect(() => DetectionFeedback.fromState({ version: 1, entries: [{ kind: 'x' }] })).toThrow(
      TypeError,
    );
  });

  it('keeps at most MAX_FEEDBACK_ENTRIES keys, forgetting the least recently judged', () => {
    const sut = new DetectionFeedback();
    for (let i = 0; i <= MAX_FEEDBACK_ENTRIES; i++) sut.apply(fp('p', T0, { service: `s${i}` }));
    expect(sut.size).toBe(MAX_FEEDBACK_ENTRIES);
    expect(sut.adjustment(key('p', { service: 's0' }), T0).shift).toBe(0);
    expect(sut.adjustment(key('p', { service: 's1' }), T0).shift).toBeCloseTo(0.1, 12);
  });

  it('rejects malformed feedback', () => {
    const sut = new DetectionFeedback();
    expect(() => sut.apply(fp('p', T0, { kind: 'nope' as never }))).toThrow(RangeError);
    expect(() => sut.apply(fp('p', T0, { service: '' }))).toThrow(TypeError);
    expect(() => sut.apply(fp('', T0))).toThrow(TypeError);
    expect(() => sut.apply(fp('p', T0, { verdict: 'maybe' as never }))).toThrow(RangeError);
    expect(() => sut.apply(fp('p', Number.NaN))).toThrow(RangeError);
    expect(sut.size).toBe(0);
  });
});
