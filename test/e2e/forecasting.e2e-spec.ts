import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { AlertEngineService } from 'src/modules/alerting/alert-engine.service';
import { ForecastingService } from 'src/modules/forecasting/forecasting.service';

import { type TestTenant, TestVigil } from '../support/test-vigil';
import { until } from '../support/until';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const DAYS = 4;

const FORECAST = `query ($s: String!, $m: ForecastMetric!) {
  forecast(service: $s, metric: $m, horizonMinutes: 1440) {
    service metric model intervalSeconds generatedAt
    actual { at value } points { at value lower80 upper80 lower95 upper95 }
    backtest { smape mape coverage80 coverage95 }
  }
}`;

interface Point {
  at: string;
  value: number;
  lower80: number | null;
  upper80: number | null;
  lower95: number | null;
  upper95: number | null;
}
interface Forecast {
  model: string;
  intervalSeconds: number;
  actual: Point[];
  points: Point[];
  backtest: { smape: number | null; coverage80: number | null };
}

describe('forecasting: series from the log store, forecasts with intervals, forecast alerts', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  let receiver: Server;
  const received: string[] = [];

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('forecast-a');
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(Buffer.concat(chunks).toString());
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));

    // Four days of checkout traffic: a daily rhythm in volume, and an error rate of 1% that
    // climbs to 6% over the last 12 hours.
    const end = Math.floor(Date.now() / HOUR) * HOUR;
    const start = end - DAYS * 24 * HOUR;
    const docs: unknown[] = [];
    for (let t = start; t < end; t += HOUR) {
      const hour = (t / HOUR) % 24;
      const n = Math.round(60 + 30 * Math.sin((2 * Math.PI * hour) / 24));
      const ramp = end - 12 * HOUR;
      const rate = t < ramp ? 0.01 : 0.01 + (0.05 * (t - ramp)) / (12 * HOUR);
      const errors = Math.round(n * rate * 4) / 4;
      // Three latency lines an hour, their mean following the day: 200 ± 50 ms.
      for (let k = 0; k < 3; k++) {
        docs.push({
          '@timestamp': new Date(t + k * 60_000).toISOString(),
          service: 'checkout',
          level: 'info',
          message: `GET /api/cart took ${Math.round(200 + 50 * Math.sin((2 * Math.PI * hour) / 24) + (k - 1) * 5)} ms`,
        });
      }
      for (let i = 0; i < n; i++) {
        const error = i < Math.round(errors);
        docs.push({
          '@timestamp': new Date(t + Math.floor((i * HOUR) / n)).toISOString(),
          service: 'checkout',
          level: error ? 'error' : 'info',
          message: error ? `payment gateway timeout for order ${i}` : `order ${i} placed`,
        });
      }
    }
    for (let i = 0; i < docs.length; i += 2000) {
      const res = await fetch(`${sut.url}/api/v1/logs`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tenant.ingestKey}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(docs.slice(i, i + 2000)),
      });
      expect(res.status).toBe(200);
    }
  });
  afterAll(async () => {
    receiver?.close();
    await sut?.close();
  });

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await sut.graphql<T>(tenant.adminKey, query, variables);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  }

  it('forecasts volume a day ahead with 80% and 95% intervals and its own backtest error', async () => {
    const { forecast } = await gql<{ forecast: Forecast }>(FORECAST, {
      s: 'checkout',
      m: 'VOLUME',
    });
    expect(forecast.intervalSeconds).toBe(3600);
    expect(forecast.points).toHaveLength(24);
    expect(forecast.actual.length).toBeGreaterThanOrEqual(DAYS * 24 - 1);
    expect(forecast.model).toMatch(/\w/);
    for (const p of forecast.points) {
      expect(p.lower95!).toBeLessThanOrEqual(p.lower80!);
      expect(p.lower80!).toBeLessThanOrEqual(p.value);
      expect(p.value).toBeLessThanOrEqual(p.upper80!);
      expect(p.upper80!).toBeLessThanOrEqual(p.upper95!);
      expect(p.lower95!).toBeGreaterThanOrEqual(0);
    }
    // The daily rhythm carries on: the forecast's swing is most of the history's 60 ± 30.
    const values = forecast.points.map((p) => p.value);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(30);
    expect(forecast.backtest.smape).not.toBeNull();
  });

  it('keeps error-rate forecasts between 0 and 1, and says in words when a series is too short', async () => {
    const { forecast } = await gql<{ forecast: Forecast }>(FORECAST, {
      s: 'checkout',
      m: 'ERROR_RATE',
    });
    for (const p of forecast.points) {
      expect(p.lower95!).toBeGreaterThanOrEqual(0);
      expect(p.upper95!).toBeLessThanOrEqual(1);
    }
    const missing = await sut.graphql(tenant.adminKey, FORECAST, { s: 'nowhere', m: 'VOLUME' });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_ENOUGH_DATA');
    expect(missing.errors?.[0]?.message).toContain('nowhere');
  });

  it('forecasts a pattern’s volume and the mean of its numeric parameter', async () => {
    // `GET <*> took <*> ms`: the path is a parameter too; the latency is the numeric one.
    const patterns = await gql<{
      patterns: {
        edges: Array<{
          node: { id: string; parameters: Array<{ position: number; numeric: unknown }> };
        }>;
      };
    }>(
      '{ patterns(filter: { search: "took" }, first: 5) { edges { node { id parameters { position numeric { count } } } } } }',
    );
    const node = patterns.patterns.edges[0]!.node;
    const id = node.id;
    const position = node.parameters.find((p) => p.numeric !== null)!.position;
    const PATTERN_FORECAST = `query ($id: String!, $m: ForecastMetric!, $n: Int) {
      forecast(service: "checkout", metric: $m, patternId: $id, parameter: $n) {
        metric patternId parameter points { value lower95 upper95 } } }`;
    const latency = await gql<{
      forecast: { metric: string; parameter: number; points: Array<{ value: number }> };
    }>(PATTERN_FORECAST, { id, m: 'PARAMETER', n: position });
    expect(latency.forecast).toMatchObject({ metric: 'PARAMETER', parameter: position });
    const values = latency.forecast.points.map((p) => p.value);
    expect(Math.min(...values)).toBeGreaterThan(120);
    expect(Math.max(...values)).toBeLessThan(280);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(50); // the daily swing
    const volume = await gql<{ forecast: { points: Array<{ value: number }> } }>(PATTERN_FORECAST, {
      id,
      m: 'PATTERN_VOLUME',
    });
    for (const p of volume.forecast.points) expect(p.value).toBeCloseTo(3, 0);
  });

  it('raises a trend anomaly on a scheduled refit when the error rate heads up', async () => {
    const fitted = await sut.vigil.app.get(ForecastingService).refitTenant(tenant.id, Date.now());
    // Checkout's volume and error rate; its busiest patterns' volume, and the latency one's mean.
    expect(fitted).toBeGreaterThanOrEqual(4);
    const trends = await until(
      () =>
        gql<{
          anomalies: {
            edges: Array<{
              node: { kind: string; service: string; explanation: string; status: string };
            }>;
          };
        }>(
          '{ anomalies(filter: { kinds: [TREND] }, first: 10) { edges { node { kind service explanation status } } } }',
        ),
      (a) => a.anomalies.edges.length > 0,
    );
    expect(trends.anomalies.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ kind: 'TREND', service: 'checkout', status: 'OPEN' }),
    ]);
    expect(trends.anomalies.edges[0]!.node.explanation).toMatch(
      /error rate of checkout is forecast to reach \d+\.\d% by/,
    );
    // A second refit keeps the same anomaly open rather than opening another.
    await sut.vigil.app.get(ForecastingService).refitTenant(tenant.id, Date.now());
    const again = await gql<{ anomalies: { edges: unknown[] } }>(
      '{ anomalies(filter: { kinds: [TREND] }, first: 10) { edges { node { id } } } }',
    );
    expect(again.anomalies.edges).toHaveLength(1);
  });

  it('fires a forecast rule when the error rate is predicted to cross its threshold', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const channel = await gql<{ createAlertChannel: { channel: { id: string } } }>(
      'mutation ($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { channel { id } } }',
      { i: { name: 'forecast-hook', allowPrivateNetwork: true, webhook: { url } } },
    );
    const rule = (threshold: number, name: string) =>
      gql('mutation ($i: CreateAlertRuleInput!) { createAlertRule(input: $i) { id } }', {
        i: {
          name,
          severity: 'WARNING',
          condition: {
            kind: 'FORECAST',
            service: 'checkout',
            metric: 'error_rate',
            op: 'GT',
            threshold,
            withinSeconds: 86_400,
          },
          route: {
            channelIds: [channel.createAlertChannel.channel.id],
            groupBy: ['alertname'],
            groupWaitSeconds: 0,
          },
        },
      });
    await rule(0.045, 'Checkout errors heading up');
    await rule(0.5, 'Checkout errors at half');
    await sut.vigil.app.get(AlertEngineService).evaluateQueries(Date.now());

    const alerts = await until(
      () =>
        gql<{
          alerts: Array<{
            labels: Record<string, string>;
            annotations: Record<string, string>;
            status: string;
          }>;
        }>('{ alerts { labels annotations status } }'),
      (a) => a.alerts.length > 0,
    );
    expect(alerts.alerts.map((a) => a.labels.alertname)).toEqual(['Checkout errors heading up']);
    expect(alerts.alerts[0]).toMatchObject({
      status: 'FIRING',
      labels: { service: 'checkout', metric: 'error_rate' },
    });
    expect(alerts.alerts[0]!.annotations.explanation).toMatch(/forecast to reach \d+\.\d% by/);
    const body = await until(
      async () => received.find((b) => b.includes('Checkout errors heading up')),
      (b) => b !== undefined,
      15_000,
    );
    expect(body).toContain('error rate of checkout');
  });
});
