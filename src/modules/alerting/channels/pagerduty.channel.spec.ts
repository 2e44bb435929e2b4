import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type AlertNotice, type PagerDutyTarget } from './alert-channel';
import { PagerDutyChannel, buildPagerDutyEvent, pagerDutyDedupKey } from './pagerduty.channel';

interface Recorded {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

function buildNotice(overrides: Partial<AlertNotice> = {}): AlertNotice {
  return {
    id: 'ntf_0193',
    tenantId: 'tenant-a',
    groupKey: '{}:{service="checkout"}',
    dedupKey: 'grp_5f2c',
    status: 'firing',
    severity: 'high',
    title: 'Checkout errors spiking',
    summary: 'Error rate of checkout is 14x its usual level',
    alerts: [
      {
        fingerprint: 'fp1',
        labels: { service: 'checkout', host: 'web-1', alertname: 'ErrorSpike' },
        annotations: {},
        status: 'firing',
        startsAt: new Date('2026-11-26T10:00:00Z'),
        endsAt: null,
        explanation: 'error pattern E17 at 14x',
        evidence: ['ERROR payment declined id=1'],
      },
    ],
    links: { alert: 'https://vigil.example/alerts/grp_5f2c' },
    createdAt: new Date('2026-11-26T10:01:00Z'),
    ...overrides,
  };
}

describe(PagerDutyChannel.name, () => {
  let server: Server;
  let target: PagerDutyTarget;
  const requests: Recorded[] = [];
  let reply: { status: number; headers?: Record<string, string>; body?: string };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        requests.push({ url: req.url ?? '', headers: req.headers, body });
        const dedupKey = (JSON.parse(body) as { dedup_key?: string }).dedup_key;
        const answer =
          reply.body ??
          JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
        res
          .writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
          .end(answer);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    target = {
      kind: 'pagerduty',
      routingKey: 'R0UT1NGKEY',
      apiUrl: `http://127.0.0.1:${port}/v2/enqueue`,
      allowPrivateNetwork: true,
    };
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    requests.length = 0;
    reply = { status: 202 };
  });

  it('triggers an incident with the documented Events API v2 fields', async () => {
    const sut = new PagerDutyChannel();
    const receipt = await sut.send(buildNotice(), target);

    expect(receipt).toEqual({ ok: true, status: 202, providerId: 'grp_5f2c' });
    expect(requests[0]!.url).toBe('/v2/enqueue');
    expect(requests[0]!.headers['content-type']).toBe('application/json');
    const event = JSON.parse(requests[0]!.body);
    expect(event).toMatchObject({
      routing_key: 'R0UT1NGKEY',
      event_action: 'trigger',
      dedup_key: 'grp_5f2c',
      client: 'Vigil',
      client_url: 'https://vigil.example/alerts/grp_5f2c',
      links: [{ href: 'https://vigil.example/alerts/grp_5f2c', text: 'Open in Vigil' }],
    });
    expect(event.payload).toMatchObject({
      summary: 'Checkout errors spiking: Error rate of checkout is 14x its usual level',
      source: 'web-1',
      severity: 'error',
      timestamp: '2026-11-26T10:01:00.000Z',
      component: 'checkout',
      group: '{}:{service="checkout"}',
      class: 'ErrorSpike',
    });
    expect(event.payload.custom_details).toMatchObject({
      notice_id: 'ntf_0193',
      tenant_id: 'tenant-a',
    });
    expect(event.payload.custom_details.alerts[0].evidence).toEqual([
      'ERROR payment declined id=1',
    ]);
  });

  it('resolves and acknowledges on the same dedup_key, without a payload', async () => {
    const sut = new PagerDutyChannel();
    await sut.send(buildNotice({ status: 'resolved' }), target);
    await sut.send(buildNotice({ status: 'acknowledged' }), target);
    await sut.acknowledge('grp_5f2c', target);

    expect(requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { routing_key: 'R0UT1NGKEY', event_action: 'resolve', dedup_key: 'grp_5f2c' },
      { routing_key: 'R0UT1NGKEY', event_action: 'acknowledge', dedup_key: 'grp_5f2c' },
      { routing_key: 'R0UT1NGKEY', event_action: 'acknowledge', dedup_key: 'grp_5f2c' },
    ]);
  });

  it('classifies 400 as permanent, 500 as retryable and 429 with Retry-After', async () => {
    const sut = new PagerDutyChannel();
    reply = { status: 400, body: '{"status":"invalid event","message":"Event object is invalid"}' };
    await expect(sut.send(buildNotice(), target)).resolves.toMatchObject({
      ok: false,
      status: 400,
      permanent: true,
    });
    reply = { status: 500, body: '' };
    await expect(sut.send(buildNotice(), target)).resolves.toMatchObject({
      ok: false,
      status: 500,
      permanent: false,
    });
    reply = { status: 429, headers: { 'retry-after': '2' }, body: '' };
    await expect(sut.send(buildNotice(), target)).resolves.toEqual({
      ok: false,
      status: 429,
      permanent: false,
      retryAfterMs: 2000,
      error: 'HTTP 429',
    });
  });

  it('does not call a 2xx without status "success" delivered', async () => {
    const sut = new PagerDutyChannel();
    reply = { status: 202, body: '{"status":"queued?"}' };
    await expect(sut.send(buildNotice(), target)).resolves.toMatchObject({ ok: false });
  });

  it('refuses a loopback API URL unless private networks are allowed', async () => {
    const sut = new PagerDutyChannel();
    const receipt = await sut.send(buildNotice(), { ...target, allowPrivateNetwork: false });
    expect(receipt).toMatchObject({ ok: false, permanent: true, code: 'URL_REFUSED' });
    expect(requests).toHaveLength(0);
  });
});

describe(buildPagerDutyEvent.name, () => {
  it('maps every severity onto PagerDuty’s scale', () => {
    const severities = (['critical', 'high', 'warning', 'info'] as const).map(
      (severity) =>
        (buildPagerDutyEvent(buildNotice({ severity }), 'k') as { payload: { severity: string } })
          .payload.severity,
    );
    expect(severities).toEqual(['critical', 'error', 'warning', 'info']);
  });

  it('cuts the summary to 1024 characters', () => {
    const event = buildPagerDutyEvent(buildNotice({ summary: 'y'.repeat(5000) }), 'k') as {
      payload: { summary: string };
    };
    expect(event.payload.summary).toHaveLength(1024);
  });
});

describe(pagerDutyDedupKey.name, () => {
  it('leaves keys of up to 255 characters alone', () => {
    expect(pagerDutyDedupKey('a'.repeat(255))).toBe('a'.repeat(255));
  });

  it('cuts longer keys to 255 and keeps keys that share a long prefix distinct', () => {
    const a = pagerDutyDedupKey(`${'p'.repeat(300)}-a`);
    const b = pagerDutyDedupKey(`${'p'.repeat(300)}-b`);
    expect(a).toHaveLength(255);
    expect(b).toHaveLength(255);
    expect(a).not.toBe(b);
    expect(pagerDutyDedupKey(`${'p'.repeat(300)}-a`)).toBe(a);
  });
});
