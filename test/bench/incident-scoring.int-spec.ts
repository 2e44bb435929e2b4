import {
  type DetectedAnomaly,
  format,
  median,
  scoreDetection,
} from '../../bench/incidents/scoring';
import { type LabelledIncident } from '../../bench/incidents/workload';

const T0 = Date.UTC(2026, 0, 5);
const at = (hh: number, mm: number): number => T0 + hh * 3_600_000 + mm * 60_000;

const incidents: LabelledIncident[] = [
  {
    id: 'A',
    kind: 'error_burst',
    service: 'web',
    from: at(10, 0),
    to: at(10, 20),
    description: '',
  },
  {
    id: 'B',
    kind: 'latency_drift',
    service: 'database',
    from: at(12, 0),
    to: at(12, 30),
    description: '',
  },
  {
    id: 'C',
    kind: 'volume_drop',
    service: 'checkout',
    from: at(15, 0),
    to: at(15, 10),
    description: '',
  },
];

const anomaly = (
  id: string,
  kind: string,
  service: string,
  from: number,
  to: number | null,
  detectedAt = from,
): DetectedAnomaly => ({ id, kind, service, from, to, detectedAt, score: 0.8 });

const anomalies: DetectedAnomaly[] = [
  anomaly('a1', 'error_surge', 'web', at(10, 2), at(10, 10), at(10, 3)),
  anomaly('a2', 'window_outlier', 'web', at(10, 21), null, at(10, 24)),
  anomaly('a3', 'parameter_outlier', 'database', at(11, 50), at(11, 56), at(11, 56)),
  anomaly('a4', 'new_pattern', 'web', at(10, 40), at(10, 41)),
  anomaly('a5', 'pattern_rate', 'queue', at(15, 5), at(15, 6)),
  anomaly('a6', 'sequence', 'database', at(12, 35), at(12, 40)),
];

describe('scoreDetection', () => {
  const sut = scoreDetection({ incidents, days: 2 }, anomalies);

  it('matches on service and the slack-widened interval, open anomalies included', () => {
    const byId = Object.fromEntries(sut.outcomes.map((o) => [o.incident.id, o]));
    expect(byId.A!.matchedBy).toEqual(['a1', 'a2']);
    expect(byId.B!.matchedBy).toEqual(['a3']);
    expect(byId.C!.matchedBy).toEqual([]);
  });

  it('takes time to detect from the first matching anomaly, floored at 0', () => {
    const ttd = Object.fromEntries(sut.outcomes.map((o) => [o.incident.id, o.ttdMs]));
    expect(ttd).toEqual({ A: 180_000, B: 0, C: null });
    expect(sut.medianTtdMs).toBe(90_000);
  });

  it('reports recall, precision and false positives per day', () => {
    expect(sut.recall).toBeCloseTo(2 / 3, 12);
    // a5 (queue, during the checkout incident) is a knock-on effect: neither matched nor false.
    expect(sut.relatedAnomalies).toBe(1);
    expect(sut.precision).toBeCloseTo(3 / 5, 12);
    expect(sut.falsePositives).toBe(2);
    expect(sut.falsePositivesPerDay).toBeCloseTo(1, 12);
    expect(sut.falsePositivesByKind).toEqual({ new_pattern: 1, sequence: 1 });
  });

  it('scores each incident kind', () => {
    expect(sut.perKind.error_burst).toEqual({
      incidents: 1,
      detected: 1,
      recall: 1,
      meanTtdMs: 180_000,
      medianTtdMs: 180_000,
    });
    expect(sut.perKind.volume_drop).toMatchObject({ incidents: 1, detected: 0, recall: 0 });
    expect(sut.perKind.volume_drop.medianTtdMs).toBeNull();
    expect(sut.perKind.broken_sequence).toMatchObject({ incidents: 0, detected: 0, recall: 0 });
  });

  it('treats the interval edge as open: an anomaly starting at incident.to + slack does not match', () => {
    const edge = scoreDetection({ incidents, days: 1 }, [
      anomaly('e', 'sequence', 'database', at(12, 35), at(12, 36)),
    ]);
    expect(edge.detected).toBe(0);
    expect(edge.falsePositives).toBe(1);
  });

  it('matches strictly without slack', () => {
    const strict = scoreDetection({ incidents, days: 2 }, anomalies, { slackMs: 0 });
    expect(strict.outcomes.map((o) => o.matchedBy)).toEqual([['a1'], [], []]);
    expect(strict.relatedAnomalies).toBe(1);
    expect(strict.precision).toBeCloseTo(1 / 5, 12);
  });

  it('scores an empty run as zero recall and zero precision', () => {
    const empty = scoreDetection({ incidents, days: 2 }, []);
    expect([empty.recall, empty.precision, empty.falsePositivesPerDay]).toEqual([0, 0, 0]);
    expect(empty.medianTtdMs).toBeNull();
  });

  it('rejects a negative slack and a non-positive day count', () => {
    expect(() => scoreDetection({ incidents, days: 2 }, [], { slackMs: -1 })).toThrow(RangeError);
    expect(() => scoreDetection({ incidents, days: 0 }, [])).toThrow(RangeError);
  });
});

describe('format', () => {
  it('prints a row per kind and ends with the summary line', () => {
    const text = format(scoreDetection({ incidents, days: 2 }, anomalies));
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe(
      'overall recall 0.67 precision 0.60 false-positives/day 1.0 median-ttd 90s',
    );
    expect(lines.find((l) => l.startsWith('error_burst'))).toMatch(
      /\s1\s+1\s+1\.00\s+180s\s+180s$/,
    );
    expect(lines.find((l) => l.startsWith('volume_drop'))).toMatch(/\s1\s+0\s+0\.00\s+-\s+-$/);
  });

  it('prints a dash for the median when nothing was detected', () => {
    const text = format(scoreDetection({ incidents, days: 2 }, []));
    expect(text.split('\n').at(-1)).toBe(
      'overall recall 0.00 precision 0.00 false-positives/day 0.0 median-ttd -',
    );
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
