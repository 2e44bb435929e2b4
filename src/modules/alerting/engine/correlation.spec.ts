import { type CorrelationInput, Correlator } from './correlation';

const MIN = 60_000;
const T = Date.UTC(2026, 10, 26, 17, 0);

function alert(
  fingerprint: string,
  startsAt: number,
  over: Partial<CorrelationInput> = {},
): CorrelationInput {
  return { fingerprint, startsAt, labels: { service: fingerprint }, ...over };
}

const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe(Correlator.name, () => {
  it('puts a db anomaly and an api error-rate alert (api depends on db) in one incident, root cause db', () => {
    const sut = new Correlator();
    const db = sut.add(
      alert('db-latency', T, {
        labels: { service: 'db', host: 'db-1' },
        anomalyStartedAt: T - 2 * MIN,
      }),
      T,
    );
    const api = sut.add(
      alert('api-errors', T + MIN, {
        labels: { service: 'api', host: 'api-1' },
        dependencies: ['db', 'cache'],
        anomalyStartedAt: T - MIN,
      }),
      T + MIN,
    );
    expect(api).toBe(db);
    const incident = sut.get(db)!;
    expect(incident.alerts.map((a) => a.fingerprint)).toEqual(['db-latency', 'api-errors']);
    expect(incident.rootCause).toEqual({
      fingerprint: 'db-latency',
      service: 'db',
      reason:
        'db is the most upstream service: api depends on it; its anomaly started 2026-11-26T16:58:00.000Z',
    });
  });

  it('prefers the most upstream service even when a dependent showed its anomaly first', () => {
    const sut = new Correlator();
    const id = sut.add(alert('web', T, { dependencies: ['api'] }), T);
    sut.add(alert('api', T + MIN, { dependencies: ['db'] }), T + MIN);
    sut.add(alert('db', T + 2 * MIN), T + 2 * MIN);
    expect(sut.get(id)!.rootCause.service).toBe('db');
    expect(sut.get(id)!.rootCause.reason).toContain('api, web depend on it');
  });

  it('without dependency edges guesses the earliest anomaly', () => {
    const sut = new Correlator();
    const id = sut.add(
      alert('a', T, { labels: { service: 'x', host: 'h1' }, anomalyStartedAt: T }),
      T,
    );
    sut.add(
      alert('b', T + MIN, { labels: { service: 'y', host: 'h1' }, anomalyStartedAt: T - 5 * MIN }),
      T + MIN,
    );
    expect(sut.get(id)!.rootCause).toMatchObject({ fingerprint: 'b', service: 'y' });
    expect(sut.get(id)!.rootCause.reason).toBe(
      'y has the earliest anomaly, started 2026-11-26T16:55:00.000Z',
    );
  });

  it('links by host, trace and pattern, but not across the time window or without a shared key', () => {
    const sut = new Correlator();
    const first = sut.add(alert('a', T, { traceIds: ['t1'], patternIds: ['p1'] }), T);
    expect(sut.add(alert('b', T + MIN, { traceIds: ['t1'] }), T + MIN)).toBe(first);
    expect(sut.add(alert('c', T + 2 * MIN, { patternIds: ['p1'] }), T + 2 * MIN)).toBe(first);
    expect(sut.add(alert('d', T + 3 * MIN), T + 3 * MIN)).not.toBe(first);
    expect(sut.add(alert('a2', T + 13 * MIN, { labels: { service: 'a' } }), T + 13 * MIN)).not.toBe(
      first,
    );
    expect(sut.add(alert('a3', T + 12 * MIN, { labels: { service: 'a' } }), T + 13 * MIN)).toBe(
      first,
    );
  });

  it('merges two incidents an alert links, into the older one', () => {
    const sut = new Correlator();
    const web = sut.add(alert('web', T, { labels: { service: 'web', host: 'h1' } }), T);
    const db = sut.add(alert('db', T + MIN), T + MIN);
    expect(db).not.toBe(web);
    const api = sut.add(
      alert('api', T + 2 * MIN, { labels: { service: 'api', host: 'h1' }, dependencies: ['db'] }),
      T + 2 * MIN,
    );
    expect(api).toBe(web);
    expect(
      sut
        .get(web)!
        .alerts.map((a) => a.fingerprint)
        .sort(),
    ).toEqual(['api', 'db', 'web']);
    expect(sut.get(db)).toMatchObject({ mergedInto: web, closedAt: T + 2 * MIN });
    expect(sut.incidentOf('db')).toBe(web);
    expect(sut.get(web)!.rootCause.service).toBe('db');
  });

  it('closes an incident when all its alerts resolved', () => {
    const sut = new Correlator();
    const id = sut.add(alert('db', T), T);
    sut.add(alert('api', T, { dependencies: ['db'] }), T);
    expect(sut.resolve('db', T + 5 * MIN)).toEqual({ incidentId: id, closed: false });
    expect(sut.resolve('api', T + 6 * MIN)).toEqual({ incidentId: id, closed: true });
    expect(sut.get(id)!.closedAt).toBe(T + 6 * MIN);
    expect(sut.incidentOf('api')).toBeUndefined();
    expect(sut.openIncidents()).toEqual([]);
    expect(sut.add(alert('api', T + 7 * MIN), T + 7 * MIN)).not.toBe(id);
  });

  it('closes the stalest incident beyond maxOpenIncidents and keeps at most maxClosedIncidents', () => {
    const sut = new Correlator({ maxOpenIncidents: 1, maxClosedIncidents: 1 });
    const a = sut.add(alert('a', T), T);
    const b = sut.add(alert('b', T), T);
    sut.add(alert('c', T), T);
    expect(sut.get(a)).toBeUndefined();
    expect(sut.get(b)!.closedAt).toBe(T);
    expect(sut.openIncidents()).toHaveLength(1);
  });

  it('continues the same way after toState/fromState through JSON', () => {
    const sut = new Correlator();
    const id = sut.add(alert('db', T), T);
    const copy = Correlator.fromState(viaJson(sut.toState()));
    expect(copy.add(alert('api', T + MIN, { dependencies: ['db'] }), T + MIN)).toBe(id);
    expect(copy.add(alert('other', T + MIN), T + MIN)).toBe('inc-2');
  });
});
