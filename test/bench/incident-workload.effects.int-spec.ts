import {
  type GeneratedRecord,
  generateWorkload,
  INCIDENT_KINDS,
  type IncidentKind,
  type LabelledIncident,
} from '../../bench/incidents/workload';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** The first three words of a message, numbers and long hex runs masked. */
function shape(message: string): string {
  return message
    .split(' ', 3)
    .map((w) => w.replace(/[0-9a-f]{6,}/g, '#').replace(/\d+/g, '#'))
    .join(' ');
}

interface Window {
  incident: LabelledIncident;
  /** The incident's service in the hour before it. */
  before: GeneratedRecord[];
  during: GeneratedRecord[];
  /** Traced flows the service owns, by trace id, started in the hour before / during. */
  tracesBefore: Map<string, GeneratedRecord[]>;
  tracesDuring: Map<string, GeneratedRecord[]>;
}

const sut = generateWorkload({
  seed: 11,
  start: Date.UTC(2026, 0, 6),
  days: 3,
  incidentsPerDay: 10,
});
const windows: Window[] = sut.incidents.map((incident) => ({
  incident,
  before: [],
  during: [],
  tracesBefore: new Map(),
  tracesDuring: new Map(),
}));
/** When each message shape was first seen, on any service. */
const firstSeen = new Map<string, number>();
const traceOwner = new Map<string, string>();

beforeAll(() => {
  for (const r of sut.records()) {
    const s = shape(r.message);
    if (!firstSeen.has(s)) firstSeen.set(s, r.at);
    if (r.traceId !== null && !traceOwner.has(r.traceId)) traceOwner.set(r.traceId, r.service);
    for (const w of windows) {
      const { from, to, service } = w.incident;
      if (r.at < from - HOUR || r.at >= to) continue;
      const inside = r.at >= from;
      if (r.service === service) (inside ? w.during : w.before).push(r);
      if (r.traceId !== null && traceOwner.get(r.traceId) === service) {
        const traces = inside ? w.tracesDuring : w.tracesBefore;
        if (traces.has(r.traceId) || r.service === service) {
          traces.set(r.traceId, [...(traces.get(r.traceId) ?? []), r]);
        }
      }
    }
  }
});

const ofKind = (kind: IncidentKind): Window[] => windows.filter((w) => w.incident.kind === kind);
const minutes = (w: Window): number => (w.incident.to - w.incident.from) / MINUTE;
const errorShare = (rs: GeneratedRecord[]): number =>
  rs.filter((r) => r.severity === 'error' || r.severity === 'fatal').length / rs.length;
const countBy = (rs: GeneratedRecord[]): Map<string, GeneratedRecord[]> => {
  const m = new Map<string, GeneratedRecord[]>();
  for (const r of rs) m.set(shape(r.message), [...(m.get(shape(r.message)) ?? []), r]);
  return m;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const durationMs = (message: string): number => Number(/(\d+) ms/.exec(message)?.[1] ?? NaN);

describe('generateWorkload incidents (3 days, 10 a day)', () => {
  it('covers every kind', () => {
    for (const kind of INCIDENT_KINDS) expect(ofKind(kind).length).toBeGreaterThanOrEqual(3);
  });

  it('error_burst: errors jump to 15%+ of the service, from a few percent', () => {
    for (const w of ofKind('error_burst')) {
      expect(errorShare(w.before)).toBeLessThan(0.08);
      expect(errorShare(w.during)).toBeGreaterThan(0.15);
    }
  });

  it('new_failure_pattern: an error never seen before repeats during the incident', () => {
    for (const w of ofKind('new_failure_pattern')) {
      const fresh = w.during.filter(
        (r) =>
          /error|fatal/.test(r.severity) && firstSeen.get(shape(r.message))! >= w.incident.from,
      );
      expect(fresh.length).toBeGreaterThanOrEqual(3);
      expect(new Set(fresh.map((r) => shape(r.message))).size).toBe(1);
    }
  });

  it('dependency_silent: a pattern seen every minute before stops entirely', () => {
    for (const w of ofKind('dependency_silent')) {
      const before = countBy(w.before);
      const during = countBy(w.during);
      const silenced = [...before].filter(([s, rs]) => rs.length >= 60 && !during.has(s));
      expect(silenced.length).toBeGreaterThanOrEqual(1);
      expect(w.during.length).toBeGreaterThan(0);
    }
  });

  it('latency_drift: a duration of an existing pattern grows 4x+ by the second half', () => {
    for (const w of ofKind('latency_drift')) {
      const half = w.incident.from + (w.incident.to - w.incident.from) / 2;
      const before = countBy(w.before);
      const late = countBy(w.during.filter((r) => r.at >= half));
      const ratios = [...late].flatMap(([s, rs]) => {
        const base = before
          .get(s)
          ?.map((r) => durationMs(r.message))
          .filter(Number.isFinite);
        const now = rs.map((r) => durationMs(r.message)).filter(Number.isFinite);
        return base && base.length >= 5 && now.length >= 5 ? [median(now) / median(base)] : [];
      });
      expect(Math.max(...ratios)).toBeGreaterThan(4);
    }
  });

  it('broken_sequence: most traced flows leave the usual path, which few did before', () => {
    for (const w of ofKind('broken_sequence')) {
      const path = (t: GeneratedRecord[]): string => t.map((r) => shape(r.message)).join(' > ');
      const paths = [...w.tracesBefore.values()].map(path);
      const counts = new Map<string, number>();
      for (const p of paths) counts.set(p, (counts.get(p) ?? 0) + 1);
      const usual = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
      const off = (ps: string[]): number => ps.filter((p) => p !== usual).length / ps.length;
      expect(off(paths)).toBeLessThan(0.15);
      expect(off([...w.tracesDuring.values()].map(path))).toBeGreaterThan(0.4);
    }
  });

  it('volume_drop: the service logs under 10% of its rate in the hour before', () => {
    for (const w of ofKind('volume_drop')) {
      expect(w.during.length / minutes(w)).toBeLessThan(0.1 * (w.before.length / 60));
    }
  });

  it('leaves the other kinds of traffic alone outside incidents', () => {
    const quiet = windows.filter((w) => w.incident.kind !== 'error_burst');
    for (const w of quiet) expect(errorShare(w.before)).toBeLessThan(0.08);
  });
});
