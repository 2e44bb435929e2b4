import {
  ELIGIBLE_SERVICES,
  type GeneratedRecord,
  generateWorkload,
  INCIDENT_KINDS,
} from '../../bench/incidents/workload';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const MONDAY = Date.UTC(2026, 0, 5);
const SATURDAY = Date.UTC(2026, 0, 10);

function take(records: Iterable<GeneratedRecord>, n: number): GeneratedRecord[] {
  const out: GeneratedRecord[] = [];
  for (const r of records) {
    if (out.length === n) break;
    out.push(r);
  }
  return out;
}

/** The first three words of a message, numbers and long hex runs masked. */
function shape(message: string): string {
  return message
    .split(' ', 3)
    .map((w) => w.replace(/[0-9a-f]{6,}/g, '#').replace(/\d+/g, '#'))
    .join(' ');
}

describe('generateWorkload', () => {
  it('replays the same records and incidents for the same seed', () => {
    const a = generateWorkload({ seed: 7, start: MONDAY, days: 7 });
    const b = generateWorkload({ seed: 7, start: MONDAY, days: 7 });
    expect(take(a.records(), 1000)).toEqual(take(b.records(), 1000));
    expect(take(a.records(), 1000)).toEqual(take(a.records(), 1000));
    expect(a.incidents).toEqual(b.incidents);
    const c = generateWorkload({ seed: 8, start: MONDAY, days: 7 });
    expect(take(c.records(), 1000)).not.toEqual(take(a.records(), 1000));
    expect(c.incidents).not.toEqual(a.incidents);
  });

  it('rejects a start that is not minute-aligned and a non-positive span', () => {
    expect(() => generateWorkload({ seed: 1, start: MONDAY + 1, days: 1 })).toThrow(RangeError);
    expect(() => generateWorkload({ seed: 1, start: MONDAY, days: 0 })).toThrow(RangeError);
  });

  describe('a quiet weekday (no incidents)', () => {
    const sut = generateWorkload({ seed: 3, start: MONDAY, days: 1, incidentsPerDay: 0 });
    const perService: Record<string, number> = {};
    const severity: Record<string, number> = {};
    const perHour = new Array<number>(24).fill(0);
    const traces = new Map<string, GeneratedRecord[]>();
    let total = 0;
    let ordered = true;
    let inRange = true;
    beforeAll(() => {
      let last = -Infinity;
      for (const r of sut.records()) {
        total++;
        if (r.at < last) ordered = false;
        if (r.at < sut.start || r.at >= sut.end) inRange = false;
        last = r.at;
        perService[r.service] = (perService[r.service] ?? 0) + 1;
        severity[r.severity] = (severity[r.severity] ?? 0) + 1;
        perHour[Math.floor((r.at - sut.start) / HOUR)]!++;
        if (r.traceId !== null) traces.set(r.traceId, [...(traces.get(r.traceId) ?? []), r]);
      }
    });

    it('is time-ordered and inside [start, end)', () => {
      expect(ordered).toBe(true);
      expect(inRange).toBe(true);
      expect(sut.end - sut.start).toBe(24 * HOUR);
    });

    it('gives each service its expected daily volume within 5%', () => {
      // Background share plus the records traced flows write there, times 40/min * 1440.
      const expected = { web: 1.65, database: 1.1, auth: 1.05, queue: 1.1, checkout: 0.905 };
      for (const [service, share] of Object.entries(expected)) {
        expect(Math.abs(perService[service]! / (share * 40 * 1440) - 1)).toBeLessThan(0.05);
      }
    });

    it('mixes about 70% debug/info, 25% warnings and a trickle of errors', () => {
      const share = (...sev: string[]): number =>
        sev.reduce((s, k) => s + (severity[k] ?? 0), 0) / total;
      expect(share('debug', 'info')).toBeGreaterThan(0.65);
      expect(share('debug', 'info')).toBeLessThan(0.78);
      expect(share('warn')).toBeGreaterThan(0.2);
      expect(share('warn')).toBeLessThan(0.3);
      expect(share('error', 'fatal')).toBeGreaterThan(0.005);
      expect(share('error', 'fatal')).toBeLessThan(0.03);
    });

    it('is about three times busier in the afternoon than at night', () => {
      const ratio = (perHour[15]! + perHour[16]!) / (perHour[3]! + perHour[4]!);
      expect(ratio).toBeGreaterThan(2.3);
      expect(ratio).toBeLessThan(3.5);
    });

    it('writes traced flows as ordered sequences across services', () => {
      const checkout = [...traces.values()].filter((t) => t[0]!.service === 'checkout');
      expect(checkout.length).toBeGreaterThan(4000);
      const normal = checkout.filter(
        (t) =>
          t.map((r) => r.service).join(',') ===
          'checkout,auth,checkout,database,checkout,queue,checkout',
      );
      expect(normal.length / checkout.length).toBeGreaterThan(0.9);
      expect(normal[0]!.map((r) => shape(r.message))).toEqual([
        'checkout started order=ord-#',
        'token validated for',
        'auth ok order=ord-#',
        'stock reserved SKU-#',
        'payment authorized order=ord-#',
        'enqueue msg=# topic=orders',
        'order ord-# placed',
      ]);
    });

    it('is quieter on a weekend day', () => {
      const saturday = generateWorkload({ seed: 3, start: SATURDAY, days: 1, incidentsPerDay: 0 });
      let n = 0;
      for (const _ of saturday.records()) n++;
      expect(n / total).toBeGreaterThan(0.5);
      expect(n / total).toBeLessThan(0.7);
    });
  });

  describe('incident plan of a week', () => {
    const sut = generateWorkload({ seed: 1, start: MONDAY, days: 7 });

    it('plans about four a day after the warmup, evenly mixed over the kinds', () => {
      expect(sut.incidents).toHaveLength(26);
      const counts = INCIDENT_KINDS.map((k) => sut.incidents.filter((i) => i.kind === k).length);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    });

    it('keeps incidents after the warmup, inside the week, 5 to 40 minutes long', () => {
      for (const i of sut.incidents) {
        expect(i.from).toBeGreaterThanOrEqual(MONDAY + 12 * HOUR);
        expect(i.to).toBeLessThanOrEqual(sut.end);
        expect((i.to - i.from) / MINUTE).toBeGreaterThanOrEqual(5);
        expect((i.to - i.from) / MINUTE).toBeLessThanOrEqual(40);
        expect(i.from % MINUTE).toBe(0);
        expect(ELIGIBLE_SERVICES[i.kind]).toContain(i.service);
      }
    });

    it('never overlaps two incidents on one service', () => {
      for (const a of sut.incidents) {
        for (const b of sut.incidents) {
          if (a === b || a.service !== b.service) continue;
          expect(a.to <= b.from || b.to <= a.from).toBe(true);
        }
      }
    });

    it('gives every incident a unique id and sorts them by start', () => {
      expect(new Set(sut.incidents.map((i) => i.id)).size).toBe(sut.incidents.length);
      const starts = sut.incidents.map((i) => i.from);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
    });
  });
});
