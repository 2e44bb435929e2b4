import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

import { RUN_FIELDS, type RunView } from '../support/runbook-runs';
import { type TestTenant, TestVigil } from '../support/test-vigil';
import { until } from '../support/until';

jest.setTimeout(120_000);

const RUNS = `query ($fp: String) { runbookRuns(filter: { alertFingerprint: $fp }) { ${RUN_FIELDS} } }`;
const RUN_UPDATED = `subscription ($rb: String) { runbookRunUpdated(runbookId: $rb) { ${RUN_FIELDS} } }`;
const ANOMALIES = `{ anomalies(filter: { services: ["checkout"] }, first: 10) {
  edges { node { id kind status startedAt explanation } } } }`;
const ALERTS = `{ alerts { fingerprint ruleId status startedAt endedAt labels anomalyIds } }`;

/** Polls every ~500 ms (as the service ships); a healthy line and the two ways it breaks. */
const SHIP_EVERY_MS = 500;
/** The shipping loop stops by itself after this many lines, whatever the test does. */
const MAX_LINES = 400;
const HEALTHY = (n: number) => `Order ${n} placed by user${n % 7} in ${20 + (n % 30)} ms`;
const GATEWAY_DOWN = (n: number) =>
  `Payment gateway refused connection for order ${n}: upstream pool exhausted`;
const CACHE_CORRUPT = (n: number) =>
  `Cart cache checksum mismatch on shard ${n % 4}, serving stale basket snapshot`;

interface Alert {
  fingerprint: string;
  ruleId: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  labels: Record<string, string>;
  anomalyIds: string[];
}
interface Anomaly {
  id: string;
  kind: string;
  status: string;
  startedAt: string;
  explanation: string;
}

/**
 * A loopback stand-in for the checkout service. It ships one log line to Vigil's ingest every
 * SHIP_EVERY_MS (info while healthy, error while broken) and `POST /fix` repairs it.
 */
class CheckoutService {
  readonly fixes: Array<{ at: number; body: string }> = [];
  /** Lines Vigil acknowledged (durably written), by level. */
  readonly shipped = { info: 0, error: 0 };
  readonly failures: string[] = [];
  #failure: ((n: number) => string) | null = null;
  #lines = 0;
  #inFlight = false;
  #timer: NodeJS.Timeout | null = null;

  readonly #server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/fix') return void res.writeHead(404).end();
      this.fixes.push({ at: Date.now(), body });
      this.#failure = null;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"repaired":true}');
    });
  });

  private constructor(
    private readonly ingestUrl: string,
    private readonly ingestKey: string,
  ) {}

  static async start(ingestUrl: string, ingestKey: string): Promise<CheckoutService> {
    const service = new CheckoutService(ingestUrl, ingestKey);
    await new Promise<void>((r) => service.#server.listen(0, '127.0.0.1', r));
    service.#timer = setInterval(() => void service.#ship(), SHIP_EVERY_MS);
    return service;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  break(failure: (n: number) => string): void {
    this.#failure = failure;
  }

  get broken(): boolean {
    return this.#failure !== null;
  }

  async #ship(): Promise<void> {
    if (this.#inFlight) return;
    if (++this.#lines > MAX_LINES) return this.stop();
    this.#inFlight = true;
    const n = 1000 + this.#lines;
    const level = this.#failure ? 'error' : 'info';
    const message = this.#failure ? this.#failure(n) : HEALTHY(n);
    try {
      const res = await fetch(`${this.ingestUrl}/api/v1/logs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.ingestKey}`, 'content-type': 'application/json' },
        body: JSON.stringify([
          { '@timestamp': new Date().toISOString(), level, service: 'checkout', message },
        ]),
      });
      await res.arrayBuffer();
      if (res.status === 200) this.shipped[level]++;
      else this.failures.push(`ingest answered ${res.status}`);
    } catch (err) {
      this.failures.push(String(err));
    } finally {
      this.#inFlight = false;
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  close(): void {
    this.stop();
    this.#server.close();
  }
}

/** The team's webhook on loopback: keeps Vigil's notices (alerts and runbook messages). */
class Webhook {
  readonly notices: Array<{ title: string; summary: string; status: string }> = [];
  readonly #server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const payload = JSON.parse(body) as {
        status: string;
        vigil: { title: string; summary: string };
      };
      this.notices.push({
        title: payload.vigil.title,
        summary: payload.vigil.summary,
        status: payload.status,
      });
      res.writeHead(200).end('{}');
    });
  });

  static async start(): Promise<Webhook> {
    const hook = new Webhook();
    await new Promise<void>((r) => hook.#server.listen(0, '127.0.0.1', r));
    return hook;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }

  runbookMessages(): string[] {
    return this.notices.filter((n) => n.title === 'Vigil runbook').map((n) => n.summary);
  }

  close(): void {
    this.#server.close();
  }
}

describe('self-healing: an alert starts a runbook that fixes, verifies, and knows when to stop', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  let checkout: CheckoutService;
  let hook: Webhook;
  let ws: Client;
  let ruleId: string;
  let fingerprint: string;
  let healed: RunView;
  const updates: RunView[] = [];
  const alertUpdates: Array<{ fingerprint: string; status: string }> = [];
  const subscriptionErrors: string[] = [];
  let t0 = 0;
  const marks: Array<[string, number]> = [];
  const mark = (what: string) => marks.push([what, (Date.now() - t0) / 1000]);

  beforeAll(async () => {
    t0 = Date.now();
    sut = await TestVigil.start();
    tenant = await sut.createTenant('self-healing');
    hook = await Webhook.start();
    await gql(
      'mutation { updateDetectionSettings(input: { learningHours: 0, windowSeconds: 10, detectors: [NEW_PATTERN] }) { windowSeconds } }',
    );
    await gql(
      'mutation { updateRemediationSettings(input: { allowPrivateNetwork: true }) { allowPrivateNetwork } }',
    );
    const channel = await gql<{ createAlertChannel: { channel: { id: string } } }>(
      'mutation ($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { channel { id } } }',
      { i: { name: 'ops-hook', allowPrivateNetwork: true, webhook: { url: hook.url } } },
    );
    const rule = await gql<{ createAlertRule: { id: string } }>(
      'mutation ($i: CreateAlertRuleInput!) { createAlertRule(input: $i) { id } }',
      {
        i: {
          name: 'Checkout errors',
          severity: 'HIGH',
          condition: { kind: 'ANOMALY', detectorKinds: ['new_pattern'], services: ['checkout'] },
          route: { channelIds: [channel.createAlertChannel.channel.id], groupBy: ['service'] },
        },
      },
    );
    ruleId = rule.createAlertRule.id;
    checkout = await CheckoutService.start(sut.url, tenant.ingestKey);
    await gql('mutation ($d: JSON!) { saveRunbook(definition: $d) { id } }', {
      d: {
        id: 'heal-checkout',
        name: 'Repair checkout when it floods errors',
        version: 1,
        trigger: { kind: 'alert', ruleId },
        parameters: [
          {
            name: 'service',
            type: 'enum',
            from: 'alert.labels.service',
            allowed: ['checkout'],
            required: true,
          },
        ],
        limits: { loopWindowSeconds: 600 },
        steps: [
          {
            id: 'fix',
            kind: 'http',
            method: 'POST',
            url: `${checkout.url}/fix`,
            body: '{"service":"{{ params.service }}","run":"{{ run.id }}"}',
          },
          {
            id: 'check',
            kind: 'verify',
            check: { source: 'logs', query: 'level:error', service: '{{ params.service }}' },
            windowSeconds: 60,
            pollSeconds: 5,
            condition: 'count == 0',
          },
          {
            id: 'tell',
            kind: 'notify',
            channel: 'ops-hook',
            message: 'Repaired {{ params.service }} (run {{ run.id }}): no errors since the fix',
          },
        ],
      },
    });
    ws = createClient({
      url: sut.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${tenant.adminKey}` },
      retryAttempts: 0,
    });
    const iterator = ws.iterate<{ runbookRunUpdated: RunView }>({
      query: RUN_UPDATED,
      variables: { rb: 'heal-checkout' },
    });
    void (async () => {
      for await (const e of iterator) {
        if (e.errors) subscriptionErrors.push(JSON.stringify(e.errors));
        else updates.push(e.data!.runbookRunUpdated);
      }
    })().catch((err: unknown) => subscriptionErrors.push(String(err)));
    const alertFeed = ws.iterate<{ alertUpdated: { fingerprint: string; status: string } }>({
      query: 'subscription { alertUpdated { fingerprint status } }',
    });
    void (async () => {
      for await (const e of alertFeed) {
        if (e.errors) subscriptionErrors.push(JSON.stringify(e.errors));
        else alertUpdates.push(e.data!.alertUpdated);
      }
    })().catch((err: unknown) => subscriptionErrors.push(String(err)));
    mark('set up');
  });
  afterAll(async () => {
    checkout?.close();
    hook?.close();
    await ws?.dispose();
    await sut?.close();
    // The spec's timeline, for whoever tunes it.
    process.stdout.write(
      `self-healing timeline (s): ${marks.map(([w, s]) => `${w} ${s.toFixed(1)}`).join('; ')}\n`,
    );
  });

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await sut.graphql<T>(tenant.adminKey, query, variables);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  }
  const anomalies = async () =>
    (await gql<{ anomalies: { edges: Array<{ node: Anomaly }> } }>(ANOMALIES)).anomalies.edges.map(
      (e) => e.node,
    );
  const alertOfRule = async () =>
    (await gql<{ alerts: Alert[] }>(ALERTS)).alerts.find((a) => a.ruleId === ruleId);
  const runsFor = async (fp: string) =>
    (await gql<{ runbookRuns: RunView[] }>(RUNS, { fp })).runbookRuns;

  it('an error flood raises an anomaly and an alert; the runbook fixes checkout and verifies it', async () => {
    // Healthy traffic first, so the healthy line is a known pattern before anything breaks.
    await until(
      async () => checkout.shipped.info,
      (n) => n >= 2,
      10_000,
    );
    checkout.break(GATEWAY_DOWN);
    mark('broken');

    const opened = await until(anomalies, (as) => as.some((a) => a.status === 'OPEN'), 20_000);
    const anomaly = opened.find((a) => a.status === 'OPEN');
    expect(anomaly).toMatchObject({ kind: 'NEW_PATTERN' });
    expect(anomaly!.explanation).toContain('Payment gateway refused connection');
    mark('anomaly open');

    const firing = await until(alertOfRule, (a) => a?.status === 'FIRING', 20_000);
    expect(firing).toMatchObject({
      status: 'FIRING',
      labels: { service: 'checkout', alertname: 'Checkout errors' },
    });
    expect(firing!.anomalyIds).toContain(anomaly!.id);
    fingerprint = firing!.fingerprint;
    mark('alert firing');

    const started = await until(
      () => runsFor(fingerprint),
      (rs) => rs.length > 0,
      20_000,
    );
    expect(started).toHaveLength(1);
    expect(started[0]!.trigger).toMatchObject({ kind: 'alert', ruleId, fingerprint });
    expect(started[0]!.params).toEqual({ service: 'checkout' });
    mark('run started');

    const [done] = await until(
      () => runsFor(fingerprint),
      (rs) =>
        rs[0]?.status !== undefined && !['queued', 'running', 'waiting'].includes(rs[0].status),
      40_000,
      200,
    );
    healed = done!;
    mark('run finished');
    expect(healed).toMatchObject({ status: 'succeeded', verified: true, reason: null });
    expect(healed.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['fix', 'succeeded'],
      ['check', 'succeeded'],
      ['tell', 'succeeded'],
    ]);
    // The fix was called once, with the parameter bound from the alert's label.
    expect(checkout.fixes).toHaveLength(1);
    expect(JSON.parse(checkout.fixes[0]!.body)).toEqual({ service: 'checkout', run: healed.id });
    expect(checkout.broken).toBe(false);
    // The verify step looked at the logs after the fix and saw no error there.
    const check = healed.steps[1]!;
    expect(check.action).toMatchObject({
      kind: 'verify',
      check: { source: 'logs', query: 'level:error', service: 'checkout' },
    });
    expect(check.output).toMatchObject({ count: 0 });
    expect(Number(check.output!.checks)).toBeGreaterThanOrEqual(1);
    // Errors were shipped before the fix, so the check had something to miss.
    expect(checkout.shipped.error).toBeGreaterThan(0);
    const told = await until(
      async () => hook.runbookMessages(),
      (ms) => ms.some((m) => m.includes(healed.id)),
      10_000,
    );
    expect(told).toContain(`Repaired checkout (run ${healed.id}): no errors since the fix`);
  });

  it('followers of runbookRunUpdated saw the run go through its steps to succeeded', async () => {
    expect(subscriptionErrors).toEqual([]);
    const mine = await until(
      async () => updates.filter((u) => u.id === healed.id),
      (us) => us.some((u) => u.status === 'succeeded'),
      10_000,
    );
    // The verify step waits between polls, so a follower sees it waiting after the fix.
    expect(
      mine.some(
        (u) =>
          u.status === 'waiting' &&
          u.steps[0]!.status === 'succeeded' &&
          u.steps[1]!.status === 'waiting',
      ),
    ).toBe(true);
    expect(mine.at(-1)).toMatchObject({ status: 'succeeded', verified: true });
    expect(mine.length).toBeGreaterThanOrEqual(3);
  });

  it('the alert resolves once the anomaly goes quiet', async () => {
    const quiet = await until(
      anomalies,
      (as) => as.length > 0 && as.every((a) => a.status === 'RESOLVED'),
      60_000,
      500,
    );
    expect(quiet.every((a) => a.status === 'RESOLVED')).toBe(true);
    mark('anomaly resolved');
    const resolved = await until(alertOfRule, (a) => a?.status === 'RESOLVED', 15_000, 200);
    expect(resolved).toMatchObject({ fingerprint, status: 'RESOLVED' });
    expect(resolved!.endedAt).not.toBeNull();
    mark('alert resolved');
    // Followers of alertUpdated saw it fire and resolve.
    const seen = alertUpdates.filter((a) => a.fingerprint === fingerprint).map((a) => a.status);
    expect(seen).toEqual(expect.arrayContaining(['FIRING', 'RESOLVED']));
    expect(subscriptionErrors).toEqual([]);
    // Nothing ran again: the run stays succeeded and the fix was called once.
    expect((await runsFor(fingerprint)).map((r) => r.status)).toEqual(['succeeded']);
    expect(checkout.fixes).toHaveLength(1);
  });

  it('when the alert fires again within the loop window, the runbook stands down and people are called', async () => {
    const escalationsBefore = hook.runbookMessages().length;
    const previous = await alertOfRule();
    checkout.break(CACHE_CORRUPT);
    mark('broken again');

    const again = await until(
      alertOfRule,
      (a) => a?.status === 'FIRING' && a.startedAt !== previous?.startedAt,
      20_000,
    );
    expect(again).toMatchObject({ fingerprint, status: 'FIRING' });
    expect(Date.parse(again!.startedAt)).toBeGreaterThan(Date.parse(healed.finishedAt!));
    mark('alert firing again');

    const runs = await until(
      () => runsFor(fingerprint),
      (rs) => rs.some((r) => r.status === 'skipped') && rs.some((r) => r.status === 'ineffective'),
      20_000,
      200,
    );
    mark('loop detected');
    expect(runs).toHaveLength(2);
    const skipped = runs.find((r) => r.status === 'skipped')!;
    expect(skipped.trigger).toMatchObject({ kind: 'alert', fingerprint });
    expect(skipped.reason).toMatch(/^loop: the alert fired again within 10 min of run /);
    expect(skipped.reason).toContain(healed.id);
    expect(skipped.steps.every((s) => s.status === 'skipped' && s.attempts === 0)).toBe(true);
    const earlier = runs.find((r) => r.id === healed.id)!;
    expect(earlier.status).toBe('ineffective');
    expect(earlier.reason).toContain('the alert fired again at');
    // No new call to the fix: automation stood down.
    expect(checkout.fixes).toHaveLength(1);

    const messages = await until(
      async () => hook.runbookMessages().slice(escalationsBefore),
      (ms) => ms.some((m) => m.includes('people must take over')),
      10_000,
    );
    const escalation = messages.find((m) => m.includes('people must take over'))!;
    expect(escalation).toContain('Runbook "Repair checkout when it floods errors" did not fix');
    expect(escalation).toContain('service=checkout');
    expect(escalation).toContain('please investigate');

    // Followers saw both: the skipped run, and the earlier one turning ineffective.
    const seen = await until(
      async () => updates,
      (us) =>
        us.some((u) => u.id === skipped.id && u.status === 'skipped') &&
        us.some((u) => u.id === healed.id && u.status === 'ineffective'),
      10_000,
    );
    expect(seen.some((u) => u.id === healed.id && u.status === 'ineffective')).toBe(true);
    expect(seen.some((u) => u.id === skipped.id && u.status === 'skipped')).toBe(true);
    expect(subscriptionErrors).toEqual([]);
    expect(checkout.failures).toEqual([]);
  });
});
