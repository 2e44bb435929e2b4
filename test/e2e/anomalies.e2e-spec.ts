import { Queue } from 'bullmq';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

import { AnomalyDetectionService } from 'src/modules/detection/anomaly-detection.service';

import { type TestTenant, TestVigil } from '../support/test-vigil';
import { until } from '../support/until';

jest.setTimeout(90_000);

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ANOMALY_FIELDS = `id service kind kinds score status startedAt endedAt detectedAt explanation subjects
  evidence { patterns { id template } observed expected unit exampleLogIds sessionKey sequence parameterIndex }
  logFilter { from to services query }`;
const DETECTED = `subscription ($f: AnomalyFilter) { anomalyDetected(filter: $f) { type anomaly { ${ANOMALY_FIELDS} } } }`;
const ANOMALIES = `query ($f: AnomalyFilter, $first: Int, $after: String) {
  anomalies(filter: $f, first: $first, after: $after) { edges { cursor node { ${ANOMALY_FIELDS} } } hasNextPage endCursor }
}`;
const ANOMALY = `query ($id: ID!) { anomaly(id: $id) { ${ANOMALY_FIELDS} } }`;
const SETTINGS = `mutation ($input: DetectionSettingsInput!) {
  updateDetectionSettings(input: $input) { enabled windowSeconds learningHours sensitivity detectors sessionKey { source name pattern } services { service muted } }
}`;
const SERVICE_SETTINGS = `mutation ($service: String!, $input: ServiceDetectionSettingsInput!) {
  updateServiceDetectionSettings(service: $service, input: $input) { services { service sensitivity detectors muted } }
}`;
const LOGS = `query ($filter: LogFilter!) { logs(filter: $filter, first: 100) { totalCount edges { node { id body } } } }`;

interface Anomaly {
  id: string;
  service: string;
  kind: string;
  kinds: string[];
  score: number;
  status: string;
  startedAt: string;
  endedAt: string | null;
  explanation: string;
  subjects: string[];
  evidence: {
    patterns: Array<{ id: string; template: string | null }>;
    observed: number | null;
    expected: number | null;
    exampleLogIds: string[];
  };
  logFilter: { from: string; to: string | null; services: string[]; query: string };
}
interface AnomalyEvent {
  type: string;
  anomaly: Anomaly;
}

const MIN = 60_000;

describe('anomaly detection through ingest, GraphQL and graphql-ws', () => {
  let sut: TestVigil;
  let other: TestVigil;
  let tenant: TestTenant;
  let stranger: TestTenant;
  const clients: Client[] = [];

  beforeAll(async () => {
    sut = await TestVigil.start();
    other = await sut.replica();
    tenant = await sut.createTenant('anomalies-a');
    stranger = await sut.createTenant('anomalies-b');
  });
  afterAll(async () => {
    await Promise.all(clients.map(async (c) => c.dispose()));
    await other?.close();
    await sut?.close();
  });

  const gql = async <T>(vigil: TestVigil, key: string, q: string, v: Record<string, unknown>) => {
    const res = await vigil.graphql<T>(key, q, v);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  };
  const ship = async (vigil: TestVigil, t: TestTenant, docs: object[]) => {
    const res = await fetch(`${vigil.url}/api/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(docs),
    });
    expect(res.status).toBe(200);
  };
  /** Subscribes on `vigil` and collects events until `done` says so. */
  const watch = (vigil: TestVigil, key: string, filter: Record<string, unknown>) => {
    const c = createClient({
      url: vigil.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${key}` },
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(c);
    const events: AnomalyEvent[] = [];
    const iterator = c.iterate<{ anomalyDetected: AnomalyEvent }>({
      query: DETECTED,
      variables: { f: filter },
    });
    void (async () => {
      for await (const e of iterator) {
        if (e.errors) throw new Error(JSON.stringify(e.errors));
        events.push(e.data!.anomalyDetected);
      }
    })();
    return { events, stop: () => void iterator.return?.() };
  };
  const settle = () => new Promise((r) => setTimeout(r, 400)); // the subscription reaches Redis
  /** Routine checkout traffic: `minutes` minutes of it, ending `endAgo` ms ago. */
  const routine = (minutes: number, endAgo: number) => {
    const now = Date.now();
    const docs: object[] = [];
    for (let m = 0; m < minutes; m++) {
      for (let k = 0; k < 6; k++) {
        docs.push({
          '@timestamp': new Date(now - endAgo - (minutes - m) * MIN + k * 5000).toISOString(),
          level: 'info',
          service: 'checkout',
          message: `Order ${1000 + m * 10 + k} placed by user${k} in ${20 + k} ms`,
        });
      }
    }
    return docs;
  };

  it('detects a new error pattern on one replica and tells a subscriber on another at once', async () => {
    const settings = await gql<{ updateDetectionSettings: { detectors: string[] } }>(
      sut,
      tenant.adminKey,
      SETTINGS,
      { input: { learningHours: 0.25, detectors: ['NEW_PATTERN'] } },
    );
    expect(settings.updateDetectionSettings.detectors).toEqual(['NEW_PATTERN']);
    await ship(sut, tenant, routine(20, 2 * MIN));

    const theirs = watch(other, stranger.adminKey, {});
    const feed = watch(other, tenant.adminKey, { services: ['checkout'], kinds: ['NEW_PATTERN'] });
    await settle();
    await ship(sut, tenant, [
      {
        '@timestamp': new Date(Date.now() - 30_000).toISOString(),
        level: 'error',
        service: 'checkout',
        message: 'Payment gateway refused the card for order 991: insufficient funds',
      },
    ]);

    const [opened] = await until(
      async () => feed.events,
      (e) => e.length > 0,
    );
    expect(opened).toMatchObject({
      type: 'OPENED',
      anomaly: { service: 'checkout', kind: 'NEW_PATTERN', status: 'OPEN' },
    });
    const anomaly = opened!.anomaly;
    expect(anomaly.score).toBeGreaterThan(0.6);
    expect(anomaly.explanation).toContain('Payment gateway refused the card for order');
    expect(anomaly.evidence.patterns[0]?.template).toContain('Payment gateway refused');
    expect(anomaly.evidence.exampleLogIds).toHaveLength(1);

    // Stored, and its records reachable through its log filter.
    const stored = await gql<{ anomaly: Anomaly }>(sut, tenant.adminKey, ANOMALY, {
      id: anomaly.id,
    });
    expect(stored.anomaly).toMatchObject({ id: anomaly.id, kind: 'NEW_PATTERN' });
    const { from, to, services, query } = stored.anomaly.logFilter;
    const logs = await gql<{ logs: { edges: Array<{ node: { id: string; body: string } }> } }>(
      sut,
      tenant.adminKey,
      LOGS,
      { filter: { from, to, services, query } },
    );
    expect(logs.logs.edges.map((e) => e.node.id)).toEqual(anomaly.evidence.exampleLogIds);

    // Queued for alerting, with the documented job (alerting may have consumed it already).
    const queue = new Queue('anomalies', {
      connection: { url: REDIS },
      prefix: `${sut.redisPrefix}bull`,
    });
    try {
      const jobs = await until(
        () => queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed']),
        (js) => js.length > 0,
      );
      expect(jobs.map((j) => j.data as { anomalyId: string; type: string })).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ anomalyId: anomaly.id, type: 'opened', service: 'checkout' }),
        ]),
      );
    } finally {
      await queue.close();
    }

    // The other tenant saw nothing, and cannot read it.
    expect(theirs.events).toEqual([]);
    const foreign = await gql<{ anomaly: Anomaly | null }>(other, stranger.adminKey, ANOMALY, {
      id: anomaly.id,
    });
    expect(foreign.anomaly).toBeNull();
    feed.stop();
    theirs.stop();
  });

  it('notices a service going silent by event time alone, and resolves what ends', async () => {
    const t = await sut.createTenant('anomalies-silence');
    await gql(sut, t.adminKey, SETTINGS, {
      input: { learningHours: 0.5, detectors: ['PATTERN_RATE'] },
    });
    // Forty minutes of steady traffic, the last record ten minutes ago: then nothing.
    await ship(sut, t, routine(40, 10 * MIN));
    const detection = sut.vigil.app.get(AnomalyDetectionService);
    // The clock moves on without records (as the 1 s timer does), minute by minute.
    const start = Date.now();
    for (let m = 1; m <= 5; m++) detection.tick(start + m * MIN);
    await detection.settled(t.id);
    const list = await gql<{ anomalies: { edges: Array<{ node: Anomaly }> } }>(
      sut,
      t.adminKey,
      ANOMALIES,
      { f: { kinds: ['PATTERN_RATE'] }, first: 10 },
    );
    const silence = list.anomalies.edges.map((e) => e.node);
    expect(silence.map((a) => [a.service, a.kind, a.explanation])).toEqual([
      ['checkout', 'PATTERN_RATE', expect.stringContaining('fell from') as string],
    ]);
    expect(silence[0]!.explanation).toMatch(/fell|silent|stopp/);
    expect(silence[0]!.evidence.observed).toBe(0);

    // Traffic comes back (the last five minutes): the silence resolves after its quiet period.
    await ship(sut, t, routine(5, 0));
    const after = await until(
      async () => {
        detection.tick(Date.now());
        await detection.settled(t.id);
        return gql<{ anomaly: Anomaly }>(sut, t.adminKey, ANOMALY, { id: silence[0]!.id });
      },
      (a) => a.anomaly.status === 'RESOLVED',
    );
    expect(after.anomaly.status).toBe('RESOLVED');
    expect(after.anomaly.endedAt).not.toBeNull();
  });

  it('keeps what the detectors learned across a restart', async () => {
    const t = await sut.createTenant('anomalies-restart');
    await gql(sut, t.adminKey, SETTINGS, {
      input: { learningHours: 0.25, detectors: ['NEW_PATTERN'] },
    });
    const first = await sut.replica();
    try {
      await ship(first, t, routine(20, 2 * MIN));
    } finally {
      await first.close(); // checkpoints the detectors on the way down
    }
    const second = await sut.replica();
    try {
      // The learning period is over and the routine patterns are known: only the new one counts.
      await ship(second, t, routine(2, 0));
      await ship(second, t, [
        {
          '@timestamp': new Date().toISOString(),
          level: 'error',
          service: 'checkout',
          message: 'Inventory service answered 503 for every reservation',
        },
      ]);
      await second.vigil.app.get(AnomalyDetectionService).settled(t.id);
      const list = await gql<{ anomalies: { edges: Array<{ node: Anomaly }> } }>(
        second,
        t.adminKey,
        ANOMALIES,
        { f: {}, first: 10 },
      );
      expect(list.anomalies.edges.map((e) => [e.node.kind, e.node.explanation])).toEqual([
        ['NEW_PATTERN', expect.stringContaining('Inventory service answered') as string],
      ]);
    } finally {
      await second.close();
    }
  });

  it('pages anomalies and filters them by service, kind, score and status', async () => {
    const all = await gql<{ anomalies: { edges: Array<{ cursor: string; node: Anomaly }> } }>(
      sut,
      tenant.adminKey,
      ANOMALIES,
      { f: {}, first: 10 },
    );
    expect(all.anomalies.edges.length).toBeGreaterThan(0);
    const none = await gql<{ anomalies: { edges: unknown[] } }>(sut, tenant.adminKey, ANOMALIES, {
      f: { services: ['nope'] },
      first: 10,
    });
    expect(none.anomalies.edges).toEqual([]);
    const strict = await gql<{ anomalies: { edges: unknown[] } }>(sut, tenant.adminKey, ANOMALIES, {
      f: { minScore: 1, status: 'RESOLVED' },
      first: 10,
    });
    expect(strict.anomalies.edges).toEqual([]);
    const page = await gql<{ anomalies: { hasNextPage: boolean; endCursor: string } }>(
      sut,
      tenant.adminKey,
      ANOMALIES,
      { f: {}, first: 0 },
    );
    expect(page.anomalies.hasNextPage).toBe(true);
  });

  it('validates settings, and a muted service raises nothing', async () => {
    const bad = await sut.graphql(tenant.adminKey, SETTINGS, { input: { sensitivity: 3 } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badKey = await sut.graphql(tenant.adminKey, SETTINGS, {
      input: { sessionKey: { source: 'PARAMETER', pattern: '(' } },
    });
    expect(badKey.errors?.[0]?.message).toMatch(/session key pattern/);
    const viewer = await sut.graphql(tenant.ingestKey, SETTINGS, { input: {} });
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const t = await sut.createTenant('anomalies-muted');
    await gql(sut, t.adminKey, SETTINGS, {
      input: {
        learningHours: 0.1,
        detectors: ['NEW_PATTERN'],
        sessionKey: { source: 'PARAMETER', pattern: 'blk_-?\\d+' },
      },
    });
    const muted = await gql<{
      updateServiceDetectionSettings: { services: Array<{ service: string; muted: boolean }> };
    }>(sut, t.adminKey, SERVICE_SETTINGS, { service: 'checkout', input: { muted: true } });
    expect(muted.updateServiceDetectionSettings.services).toEqual([
      expect.objectContaining({ service: 'checkout', muted: true }),
    ]);
    await ship(sut, t, routine(10, 2 * MIN));
    await ship(sut, t, [
      {
        '@timestamp': new Date(Date.now() - 30_000).toISOString(),
        level: 'fatal',
        service: 'checkout',
        message: 'Kernel panic in the payment enclave',
      },
    ]);
    await sut.vigil.app.get(AnomalyDetectionService).settled(t.id);
    const list = await gql<{ anomalies: { edges: unknown[] } }>(sut, t.adminKey, ANOMALIES, {
      f: {},
      first: 10,
    });
    expect(list.anomalies.edges).toEqual([]);
  });
});
