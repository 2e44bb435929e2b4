import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DataSource } from 'typeorm';

import { AlertEngineService } from 'src/modules/alerting/alert-engine.service';
import { verifyWebhookSignature } from 'src/modules/alerting/channels/webhook.channel';

import { type TestTenant, TestVigil } from '../support/test-vigil';
import { until } from '../support/until';

jest.setTimeout(90_000);

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

/** A webhook receiver on loopback: records requests; answers 500 `failures` times first. */
class Receiver {
  readonly requests: Received[] = [];
  failures = 0;
  readonly #server: Server;

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
          at: Date.now(),
        });
        if (this.failures > 0) {
          this.failures--;
          res.writeHead(500).end('down for maintenance');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }

  close(): Promise<void> {
    return new Promise((r) => this.#server.close(() => r()));
  }

  payloads(): Array<{ status: string; groupLabels: Record<string, string>; alerts: unknown[] }> {
    return this.requests.map((r) => JSON.parse(r.body) as never);
  }
}

const CHANNEL = `mutation ($input: CreateAlertChannelInput!) {
  createAlertChannel(input: $input) { channel { id } signingSecret }
}`;
const RULE = `mutation ($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { id } }`;
const SETTINGS = `mutation { updateDetectionSettings(input: { learningHours: 0, detectors: [NEW_PATTERN] }) { learningHours } }`;
const SILENCE = `mutation ($input: CreateAlertSilenceInput!) { createAlertSilence(input: $input) { id } }`;
const ALERTS = `query ($f: AlertFilter) { alerts(filter: $f) {
  fingerprint ruleId labels annotations status groupKey incidentId anomalyIds acknowledgedBy } }`;
const TIMELINE = `query ($fp: ID!) { alertTimeline(fingerprint: $fp) { kind details } }`;
const NOTIFICATIONS = `query { alertNotifications { id status attempts kind title } }`;

interface Alert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: string;
  groupKey: string | null;
  incidentId: string | null;
  anomalyIds: string[];
}

describe('alerting: anomalies to grouped, signed notifications', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  const receiver = new Receiver();
  let url: string;
  let secret: string;

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('alerting-a');
    url = await receiver.start();
    await gql(SETTINGS, {});
    const channel = await gql<{
      createAlertChannel: { channel: { id: string }; signingSecret: string };
    }>(CHANNEL, {
      input: { name: 'ops-hook', allowPrivateNetwork: true, webhook: { url } },
    });
    secret = channel.createAlertChannel.signingSecret;
    await gql(RULE, {
      input: {
        name: 'New error patterns',
        severity: 'HIGH',
        condition: { kind: 'ANOMALY', detectorKinds: ['new_pattern'] },
        route: {
          channelIds: [channel.createAlertChannel.channel.id],
          groupBy: ['service'],
          groupWaitSeconds: 1,
          groupIntervalSeconds: 60,
          repeatIntervalSeconds: 3600,
        },
      },
    });
  });
  afterAll(async () => {
    await receiver.close();
    await sut?.close();
  });

  async function gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const res = await sut.graphql<T>(tenant.adminKey, query, variables);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  }
  const ship = async (service: string, message: string) => {
    const res = await fetch(`${sut.url}/api/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        { '@timestamp': new Date().toISOString(), level: 'error', service, message },
      ]),
    });
    expect(res.status).toBe(200);
  };
  const alertsOf = async (service: string) =>
    (await gql<{ alerts: Alert[] }>(ALERTS, { f: {} })).alerts.filter(
      (a) => a.labels.service === service,
    );

  it('turns anomalies into one signed, Alertmanager-shaped notification per group, with alerts and a timeline', async () => {
    await ship('checkout', 'Payment gateway refused the card for order 17: insufficient funds');
    await ship('checkout', 'Inventory reservation timed out after 30 s for order 17');
    const requests = await until(
      async () => receiver.requests.length,
      (n) => n >= 1,
      15_000,
    );
    expect(requests).toBeGreaterThanOrEqual(1);
    // The group waited a second: both anomalies' alerts of checkout went out together, once.
    await new Promise((r) => setTimeout(r, 1500));
    const checkout = receiver.payloads().filter((p) => p.groupLabels.service === 'checkout');
    expect(checkout).toHaveLength(1);
    expect(checkout[0]).toMatchObject({ status: 'firing', groupLabels: { service: 'checkout' } });
    const [request] = receiver.requests;
    expect(
      verifyWebhookSignature(
        secret,
        request!.headers['x-vigil-timestamp'] as string,
        request!.body,
        request!.headers['x-vigil-signature'] as string,
        new Date(),
      ),
    ).toBe(true);

    const alerts = await alertsOf('checkout');
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    expect(alerts[0]).toMatchObject({
      status: 'FIRING',
      labels: { alertname: 'New error patterns' },
    });
    expect(alerts[0]!.groupKey).not.toBeNull();
    expect(alerts[0]!.incidentId).not.toBeNull();
    expect(alerts[0]!.anomalyIds.length).toBeGreaterThan(0);
    const metrics = await (await fetch(`${sut.url}/metrics`)).text();
    expect(metrics).toMatch(/vigil_alerts_fired_total\{muted="none"\} [1-9]/);
    expect(metrics).toMatch(/vigil_incidents_opened_total [1-9]/);
    expect(metrics).toMatch(/vigil_alert_notifications_total\{outcome="sent"\} [1-9]/);
    const timeline = await gql<{ alertTimeline: Array<{ kind: string }> }>(TIMELINE, {
      fp: alerts[0]!.fingerprint,
    });
    expect(timeline.alertTimeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['firing', 'notification']),
    );
    const sent = await until(
      () => gql<{ alertNotifications: Array<{ status: string }> }>(NOTIFICATIONS, {}),
      (r) => r.alertNotifications.some((n) => n.status === 'SENT'),
    );
    expect(sent.alertNotifications.some((n) => n.status === 'SENT')).toBe(true);
  });

  it('sends nothing for a silenced service, and records why', async () => {
    const now = Date.now();
    await gql(SILENCE, {
      input: {
        matchers: 'service="search"',
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        comment: 'reindexing',
      },
    });
    const before = receiver.requests.length;
    await ship('search', 'Shard 3 of the product index is read-only: disk watermark exceeded');
    const alerts = await until(
      () => alertsOf('search'),
      (a) => a.length > 0,
    );
    expect(alerts[0]!.annotations.silenced_by).toBeDefined();
    await new Promise((r) => setTimeout(r, 2500)); // past the group wait
    expect(receiver.payloads().filter((p) => p.groupLabels.service === 'search')).toEqual([]);
    expect(receiver.requests.length).toBe(before);
  });

  it('delivers exactly once through a channel that fails three times, then recovers', async () => {
    receiver.failures = 3;
    const before = receiver.requests.length;
    await ship('payments', 'Ledger write rejected: duplicate idempotency key for transfer 99');
    const delivered = await until(
      () =>
        gql<{ alertNotifications: Array<{ title: string; status: string; attempts: number }> }>(
          NOTIFICATIONS,
          {},
        ),
      (r) => r.alertNotifications.some((n) => n.title.includes('payments') && n.status === 'SENT'),
      30_000,
    );
    const n = delivered.alertNotifications.find((x) => x.title.includes('payments'));
    expect(n).toMatchObject({ status: 'SENT', attempts: 4 });
    const payments = receiver.requests.slice(before).filter((r) => r.body.includes('"payments"'));
    expect(payments).toHaveLength(4); // three refused, one accepted
  });

  it('mutes an alert inhibited by a firing source alert, and says which', async () => {
    await gql(
      `mutation ($input: CreateAlertInhibitRuleInput!) { createAlertInhibitRule(input: $input) { id } }`,
      {
        input: {
          sourceMatchers: 'service="inventory-db"',
          targetMatchers: 'service="inventory-api"',
          equal: ['alertname'],
        },
      },
    );
    await ship('inventory-db', 'Replica lag on inventory-db reached 120 s: writes throttled');
    await until(
      async () => receiver.payloads().filter((p) => p.groupLabels.service === 'inventory-db'),
      (p) => p.length === 1,
      15_000,
    );
    await ship(
      'inventory-api',
      'Stock lookup for SKU 4411 failed: upstream inventory-db timed out',
    );
    const muted = await until(
      () => alertsOf('inventory-api'),
      (a) => a.length > 0 && a[0]!.annotations.inhibited === 'true',
    );
    expect(muted[0]!.annotations.inhibited).toBe('true');
    await new Promise((r) => setTimeout(r, 2500)); // past the group wait
    expect(receiver.payloads().filter((p) => p.groupLabels.service === 'inventory-api')).toEqual(
      [],
    );
    const timeline = await gql<{ alertTimeline: Array<{ kind: string }> }>(TIMELINE, {
      fp: muted[0]!.fingerprint,
    });
    expect(timeline.alertTimeline.map((e) => e.kind)).not.toContain('notification');
  });

  it('edits the Slack message of a group in place when the group is resolved', async () => {
    const slack = new FakeSlackApi();
    const api = await slack.start();
    try {
      const channel = await gql<{ createAlertChannel: { channel: { id: string } } }>(CHANNEL, {
        input: {
          name: 'ops-slack-api',
          allowPrivateNetwork: true,
          slack: { token: 'xoxb-test', channel: '#shipping', apiUrl: api },
        },
      });
      await gql(RULE, {
        input: {
          name: 'Shipping errors',
          severity: 'WARNING',
          condition: { kind: 'ANOMALY', detectorKinds: ['new_pattern'], services: ['shipping'] },
          route: {
            channelIds: [channel.createAlertChannel.channel.id],
            groupBy: ['service'],
            groupWaitSeconds: 0,
            groupIntervalSeconds: 1,
            repeatIntervalSeconds: 3600,
          },
        },
      });
      await ship('shipping', 'Label printer queue rejected job 8812: paper tray empty');
      await until(
        async () => slack.calls.length,
        (n) => n >= 1,
        15_000,
      );
      const [alert] = await until(
        () => alertsOf('shipping'),
        (a) => a.some((x) => x.labels.alertname === 'Shipping errors'),
      ).then((a) => a.filter((x) => x.labels.alertname === 'Shipping errors'));
      await gql(`mutation ($fp: ID!) { resolveAlert(fingerprint: $fp) }`, {
        fp: alert!.fingerprint,
      });
      const calls = await until(
        async () => [...slack.calls],
        (c) => c.some((x) => x.method === 'chat.update'),
        15_000,
      );
      expect(calls[0]).toMatchObject({
        method: 'chat.postMessage',
        body: { channel: '#shipping' },
      });
      const update = calls.find((x) => x.method === 'chat.update');
      // The message Slack created (its channel id and ts), not a new one.
      expect(update?.body).toMatchObject({ channel: 'C0SHIP', ts: '1000.1' });
      expect(String(update?.body.text)).toContain('(resolved)');
      // An edit notifies nobody: the resolution is also said in the message's thread.
      const replies = await until(
        async () => slack.calls.filter((x) => x.method === 'chat.postMessage' && x.body.thread_ts),
        (r) => r.length === 1,
      );
      expect(replies[0]!.body).toMatchObject({ channel: 'C0SHIP', thread_ts: '1000.1' });
      expect(slack.calls.filter((x) => x.method === 'chat.postMessage')).toHaveLength(2);
    } finally {
      await slack.close();
    }
  });

  it('fires a log-query rule when the count of its filter crosses the threshold', async () => {
    const channels = await gql<{ alertChannels: Array<{ id: string; name: string }> }>(
      'query { alertChannels { id name } }',
      {},
    );
    const hook = channels.alertChannels.find((c) => c.name === 'ops-hook')!;
    await gql(RULE, {
      input: {
        name: 'Disks filling up',
        severity: 'WARNING',
        condition: {
          kind: 'LOG_QUERY',
          query: '"disk full"',
          services: ['storage'],
          windowSeconds: 300,
          op: 'GTE',
          threshold: 3,
        },
        route: { channelIds: [hook.id], groupBy: ['alertname'], groupWaitSeconds: 0 },
      },
    });
    const engine = sut.vigil.app.get(AlertEngineService);
    await ship('storage', 'Volume /data is disk full on node 4');
    await engine.evaluateQueries(Date.now());
    expect(
      (await gql<{ alerts: Alert[] }>(ALERTS, { f: {} })).alerts.filter(
        (a) => a.labels.alertname === 'Disks filling up',
      ),
    ).toEqual([]);
    await ship('storage', 'Volume /logs is disk full on node 4');
    await ship('storage', 'Volume /tmp is disk full on node 5');
    await engine.evaluateQueries(Date.now());
    const fired = await until(
      async () => receiver.payloads().filter((p) => p.groupLabels.alertname === 'Disks filling up'),
      (ps) => ps.length > 0,
    );
    expect(fired[0]).toMatchObject({ status: 'firing' });
    expect(JSON.stringify(fired[0])).toContain('3 records matched');
  });

  it('erases a data subject from alerts, notifications and the engine state', async () => {
    await ship('accounts', 'Password reset loop detected for the account of ada.lovelace today');
    await until(
      () => gql<{ alertNotifications: Array<{ title: string }> }>(NOTIFICATIONS, {}),
      (r) => r.alertNotifications.some((n) => n.title.includes('accounts')),
      15_000,
    );
    const before = await alertsOf('accounts');
    expect(JSON.stringify(before)).toContain('ada.lovelace');
    const erase = await gql<{ eraseSubject: { id: string } }>(
      'mutation ($ids: SubjectIdentifiers!) { eraseSubject(identifiers: $ids) { id } }',
      { ids: { userIds: ['ada.lovelace'] } },
    );
    const job = await until(
      () =>
        gql<{
          privacyJob: {
            status: string;
            report: { counts: Array<{ name: string; count: number }> } | null;
          };
        }>('query ($id: ID!) { privacyJob(id: $id) { status report { counts { name count } } } }', {
          id: erase.eraseSubject.id,
        }),
      (r) => r.privacyJob.status === 'done' || r.privacyJob.status === 'failed',
      30_000,
    );
    expect(job.privacyJob.status).toBe('done');
    expect(job.privacyJob.report?.counts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'alerting.alerts' }),
        expect.objectContaining({ name: 'alerting.notifications' }),
      ]),
    );
    const counts = Object.fromEntries(job.privacyJob.report!.counts.map((c) => [c.name, c.count]));
    expect(counts['alerting.alerts']).toBeGreaterThan(0);
    expect(counts['alerting.notifications']).toBeGreaterThan(0);
    expect(JSON.stringify(await alertsOf('accounts'))).not.toContain('ada.lovelace');
    const rows = await sut.vigil.app.get(DataSource).query<Array<{ n: number }>>(
      `SELECT (SELECT count(*) FROM notifications WHERE tenant_id = $1 AND notice::text LIKE '%ada.lovelace%')
              + (SELECT count(*) FROM alert_events WHERE tenant_id = $1 AND details::text LIKE '%ada.lovelace%')
              + (SELECT count(*) FROM alert_engine_states WHERE tenant_id = $1 AND state::text LIKE '%ada.lovelace%') AS n`,
      [tenant.id],
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('acknowledges an alert: its status and timeline say so', async () => {
    const [alert] = await alertsOf('checkout');
    const res = await gql<{ acknowledgeAlert: number }>(
      'mutation ($fp: ID!) { acknowledgeAlert(fingerprint: $fp) }',
      { fp: alert!.fingerprint },
    );
    expect(res.acknowledgeAlert).toBe(1);
    const [after] = await alertsOf('checkout');
    expect(after).toMatchObject({ status: 'ACKNOWLEDGED' });
    // The channel hears of it (PagerDuty would acknowledge its incident).
    const told = await until(
      async () =>
        receiver.requests.filter(
          (r) => r.body.includes('"acknowledged"') && r.body.includes('checkout'),
        ),
      (rs) => rs.length > 0,
    );
    expect(told).toHaveLength(1);
  });

  it('takes acknowledgements and feedback from Slack buttons and signed e-mail links', async () => {
    const slack = new Receiver();
    const slackUrl = await slack.start();
    try {
      const channel = await gql<{ createAlertChannel: { channel: { id: string } } }>(CHANNEL, {
        input: {
          name: 'ops-slack',
          allowPrivateNetwork: true,
          slack: { webhookUrl: slackUrl, signingSecret: 'slack-signing-secret-for-tests' },
        },
      });
      const channelId = channel.createAlertChannel.channel.id;
      const rule = await gql<{ createAlertRule: { id: string } }>(RULE, {
        input: {
          name: 'Auth and billing errors',
          severity: 'CRITICAL',
          condition: { kind: 'ANOMALY', services: ['auth', 'billing'] },
          route: { channelIds: [channelId], groupBy: ['service'], groupWaitSeconds: 1 },
        },
      });
      await ship('auth', 'Token signing key missing from the key ring: kid 7 not found');
      await ship('billing', 'Invoice run aborted: currency table is empty');
      const messages = await until(
        async () => slack.requests.map((r) => JSON.parse(r.body) as SlackMessage),
        (ms) => ms.length >= 2,
        15_000,
      );
      const button = (m: SlackMessage, id: string) =>
        m.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === id);
      const auth = messages.find((m) => m.text.includes('on auth'))!;
      const billing = messages.find((m) => m.text.includes('on billing'))!;

      // Slack: a signed click on Acknowledge, with the tenant taken from the channel.
      const payload = {
        type: 'block_actions',
        user: { id: 'U1', username: 'ada' },
        actions: [{ action_id: 'vigil_ack', value: button(auth, 'vigil_ack')!.value }],
      };
      const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
      const ts = String(Math.floor(Date.now() / 1000));
      const signature = `v0=${createHmac('sha256', 'slack-signing-secret-for-tests').update(`v0:${ts}:${body}`).digest('hex')}`;
      const interactivity = `${sut.url}/api/v1/integrations/slack/interactivity/${channelId}`;
      const forged = await fetch(interactivity, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': ts,
          'x-slack-signature': 'v0=00',
        },
        body,
      });
      expect(forged.status).toBe(401);
      const clicked = await fetch(interactivity, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': ts,
          'x-slack-signature': signature,
        },
        body,
      });
      expect(clicked.status).toBe(200);
      const [authAlert] = await until(
        () => alertsOf('auth'),
        (as) => as.some((a) => a.status === 'ACKNOWLEDGED'),
      );
      expect(authAlert!.status).toBe('ACKNOWLEDGED');

      // E-mail links: a GET (a mail scanner) only shows a page; the POST acts.
      // The link is built on PUBLIC_URL; this test server listens on a port of its own.
      const link = button(billing, 'vigil_ack_link')!.url!.replace(/^https?:\/\/[^/]+/, sut.url);
      expect(link).toContain('/api/v1/alert-actions/');
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Acknowledge');
      // The other rule (new patterns) has an alert of its own on billing, left alone.
      const billingAlert = async () =>
        (await alertsOf('billing')).find((a) => a.labels.alertname === 'Auth and billing errors')!;
      expect((await billingAlert()).status).toBe('FIRING');
      const acted = await fetch(link, { method: 'POST' });
      expect(acted.status).toBe(200);
      expect((await billingAlert()).status).toBe('ACKNOWLEDGED');
      expect(
        (await alertsOf('billing')).find((a) => a.labels.alertname === 'New error patterns')
          ?.status,
      ).toBe('FIRING');
      const tampered = await fetch(`${link.slice(0, -3)}xyz`, { method: 'POST' });
      expect(tampered.status).toBe(400);

      // "Not useful" from Slack: recorded with the alert's pattern, it weighs that rule+pattern.
      const notUseful = {
        type: 'block_actions',
        user: { id: 'U2', username: 'grace' },
        actions: [
          { action_id: 'vigil_not_useful', value: button(billing, 'vigil_not_useful')!.value },
        ],
      };
      const body2 = `payload=${encodeURIComponent(JSON.stringify(notUseful))}`;
      const signature2 = `v0=${createHmac('sha256', 'slack-signing-secret-for-tests').update(`v0:${ts}:${body2}`).digest('hex')}`;
      const said = await fetch(interactivity, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': ts,
          'x-slack-signature': signature2,
        },
        body: body2,
      });
      expect(said.status).toBe(200);
      const billingPatterns = (
        await gql<{ alerts: Array<Alert & { patternIds: string[] }> }>(
          `query { alerts { fingerprint labels patternIds } }`,
          {},
        )
      ).alerts.find(
        (a) => a.labels.service === 'billing' && a.labels.alertname === 'Auth and billing errors',
      )!.patternIds;
      expect(billingPatterns.length).toBeGreaterThan(0);
      const weights = await gql<{
        alertRuleWeights: Array<{ patternId: string | null; weight: number; notUseful: number }>;
      }>(`query ($id: ID!) { alertRuleWeights(ruleId: $id) { patternId weight notUseful } }`, {
        id: rule.createAlertRule.id,
      });
      expect(weights.alertRuleWeights).toEqual([
        { patternId: billingPatterns[0], weight: 0.8, notUseful: 1 },
      ]);
    } finally {
      await slack.close();
    }
  });
});

/** Slack's Web API on loopback: records calls; each new message gets the next ts in C0SHIP. */
class FakeSlackApi {
  readonly calls: Array<{ method: string; body: Record<string, unknown> }> = [];
  #next = 1;
  readonly #server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '').split('/').pop() ?? '';
      const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
      this.calls.push({ method, body });
      const ts = method === 'chat.postMessage' ? `1000.${this.#next++}` : body.ts;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: true, channel: 'C0SHIP', ts }));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/api`;
  }

  close(): Promise<void> {
    return new Promise((r) => this.#server.close(() => r()));
  }
}

interface SlackMessage {
  text: string;
  blocks: Array<{ elements?: Array<{ action_id?: string; value?: string; url?: string }> }>;
}
