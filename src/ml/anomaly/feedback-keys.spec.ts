import type { Candidate } from './detector';
import { feedbackForAnomaly, feedbackKeyOf, templateFamily } from './feedback-keys';

const T0 = Date.UTC(2026, 0, 5);

describe(templateFamily.name, () => {
  it.each([
    ['Timeout connecting to <*>', 'timeout connecting'],
    ['enqueue msg=<*> topic=<*> <*>=<*>', 'enqueue msg'],
    ['<*> - - "GET <*> HTTP/1.1"', 'get http'],
    ['<*> <*>', undefined],
    [undefined, undefined],
  ])('%s → %s', (template, family) => {
    expect(templateFamily(template)).toBe(family);
  });
});

describe(feedbackKeyOf.name, () => {
  const candidate = (c: Partial<Candidate>): Candidate => ({
    kind: 'pattern_rate',
    service: 'web',
    subject: 'p1',
    from: T0,
    to: T0,
    score: 0.7,
    explanation: '',
    evidence: { patternIds: ['p1'], templates: ['Disk full on <*>'], exampleLogIds: [] },
    ...c,
  });

  it('keys pattern kinds by their pattern and its family, the others by the detector', () => {
    expect(feedbackKeyOf(candidate({}))).toEqual({
      kind: 'pattern_rate',
      service: 'web',
      patternId: 'p1',
      family: 'disk full',
    });
    expect(feedbackKeyOf(candidate({ kind: 'parameter_outlier', subject: 'p1#2' }))).toEqual({
      kind: 'parameter_outlier',
      service: 'web',
      patternId: 'p1',
      family: 'disk full',
    });
    expect(
      feedbackKeyOf(
        candidate({ subject: '(volume)', evidence: { patternIds: [], exampleLogIds: [] } }),
      ),
    ).toEqual({ kind: 'pattern_rate', service: 'web', patternId: '(volume)' });
    expect(feedbackKeyOf(candidate({ kind: 'error_surge', subject: 'errors' }))).toEqual({
      kind: 'error_surge',
      service: 'web',
    });
  });
});

describe(feedbackForAnomaly.name, () => {
  const evidence = {
    patternIds: ['p1', 'p2', 'e1'],
    templates: ['Disk full', 'Lock wait', 'Boom'],
  };

  it('gives one record per pattern of a single-kind anomaly, with its family', () => {
    expect(
      feedbackForAnomaly(
        { service: 'db', kinds: ['pattern_rate'], subjects: ['p1', '(volume)'], evidence },
        'false_positive',
        T0,
      ),
    ).toEqual([
      {
        kind: 'pattern_rate',
        service: 'db',
        patternId: 'p1',
        family: 'disk full',
        verdict: 'false_positive',
        at: T0,
      },
      {
        kind: 'pattern_rate',
        service: 'db',
        patternId: '(volume)',
        verdict: 'false_positive',
        at: T0,
      },
    ]);
  });

  it('gives pattern kinds of a mixed anomaly only the subjects among its pattern ids', () => {
    const mixed = {
      service: 'db',
      kinds: ['error_surge', 'parameter_outlier', 'unknown_kind'],
      subjects: ['errors', 'p2#0'],
      evidence,
    };
    expect(feedbackForAnomaly(mixed, 'noise', T0)).toEqual([
      { kind: 'error_surge', service: 'db', verdict: 'noise', at: T0 },
      {
        kind: 'parameter_outlier',
        service: 'db',
        patternId: 'p2',
        family: 'lock wait',
        verdict: 'noise',
        at: T0,
      },
    ]);
    const volume = {
      ...mixed,
      kinds: ['error_surge', 'pattern_rate'],
      subjects: ['errors', '(volume)'],
    };
    // A false alarm is not blamed on what cannot be traced; a confirmed incident credits the detector.
    expect(feedbackForAnomaly(volume, 'false_positive', T0).map((r) => r.kind)).toEqual([
      'error_surge',
    ]);
    expect(feedbackForAnomaly(volume, 'true_positive', T0)).toEqual([
      { kind: 'error_surge', service: 'db', verdict: 'true_positive', at: T0 },
      { kind: 'pattern_rate', service: 'db', verdict: 'true_positive', at: T0 },
    ]);
  });
});
