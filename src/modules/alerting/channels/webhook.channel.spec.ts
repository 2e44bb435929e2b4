import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type AlertNotice, type WebhookTarget } from './alert-channel';
import { WebhookChannel, signWebhook, verifyWebhookSignature } from './webhook.channel';

interface Recorded {
  headers: IncomingHttpHeaders;
  body: string;
}

const NOW = new Date('2026-11-26T10:01:05Z');
const NOW_SECONDS = NOW.getTime() / 1000;

function buildNotice(overrides: Partial<AlertNotice> = {}): AlertNotice {
  const alert = {
    fingerprint: 'fp1',
    labels: { service: 'checkout', host: 'web-1', alertname: 'ErrorSpike' },
    annotations: { runbook: 'https://runbooks.example/checkout' },
    status: 'firing' as const,
    startsAt: new Date('2026-11-26T10:00:00Z'),
    endsAt: null,
    explanation: 'error pattern E17 at 14x',
    evidence: ['ERROR payment declined id=1'],
  };
  return {
    id: 'ntf_0193',
    tenantId: 'tenant-a',
    groupKey: '{}:{service="checkout"}',
    dedupKey: 'grp_5f2c',
    status: 'firing',
    severity: 'critical',
    title: 'Checkout errors spiking',
    summary: 'Error rate of checkout is 14x its usual level',
    alerts: [
      alert,
      {
        ...alert,
        fingerprint: 'fp2',
        labels: { ...alert.labels, host: 'web-2' },
        status: 'resolved',
        endsAt: new Date('2026-11-26T10:00:40Z'),
        url: 'https://vigil.example/alerts/fp2',
      },
    ],
    links: { alert: 'https://vigil.example/alerts/grp_5f2c', ack: 'https://vigil.example/ack/t1' },
    groupLabels: { service: 'checkout' },
    createdAt: new Date('2026-11-26T10:01:00Z'),
    externalUrl: 'https://vigil.example',
    ...overrides,
  };
}

describe(WebhookChannel.name, () => {
  let server: Server;
  let target: WebhookTarget;
  const requests: Recorded[] = [];
  let reply: { status: number; headers?: Record<string, string> };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(reply.status, reply.headers).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    target = {
      kind: 'webhook',
      url: `http://127.0.0.1:${port}/alertmanager`,
      secret: 'whsec_test',
      allowPrivateNetwork: true,
    };
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    requests.length = 0;
    reply = { status: 200 };
  });

  const newSut = () => new WebhookChannel({ now: () => NOW });

  it('posts an Alertmanager v4 payload with a vigil section', async () => {
    const receipt = await newSut().send(buildNotice(), target);

    expect(receipt).toEqual({ ok: true, status: 200 });
    const payload = JSON.parse(requests[0]!.body);
    expect(payload).toMatchObject({
      version: '4',
      groupKey: '{}:{service="checkout"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'vigil',
      groupLabels: { service: 'checkout' },
      commonLabels: { service: 'checkout', alertname: 'ErrorSpike' },
      commonAnnotations: { runbook: 'https://runbooks.example/checkout' },
      externalURL: 'https://vigil.example',
    });
    expect(payload.alerts).toEqual([
      {
        status: 'firing',
        labels: { service: 'checkout', host: 'web-1', alertname: 'ErrorSpike' },
        annotations: { runbook: 'https://runbooks.example/checkout' },
        startsAt: '2026-11-26T10:00:00.000Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'https://vigil.example/alerts/grp_5f2c',
        fingerprint: 'fp1',
      },
      {
        status: 'resolved',
        labels: { service: 'checkout', host: 'web-2', alertname: 'ErrorSpike' },
        annotations: { runbook: 'https://runbooks.example/checkout' },
        startsAt: '2026-11-26T10:00:00.000Z',
        endsAt: '2026-11-26T10:00:40.000Z',
        generatorURL: 'https://vigil.example/alerts/fp2',
        fingerprint: 'fp2',
      },
    ]);
    expect(payload.vigil).toMatchObject({
      noticeId: 'ntf_0193',
      tenantId: 'tenant-a',
      dedupKey: 'grp_5f2c',
      severity: 'critical',
      status: 'firing',
      links: { ack: 'https://vigil.example/ack/t1' },
    });
    expect(payload.vigil.alerts[0]).toEqual({
      fingerprint: 'fp1',
      explanation: 'error pattern E17 at 14x',
      evidence: ['ERROR payment declined id=1'],
    });
  });

  it('signs timestamp and body so the receiver can verify them', async () => {
    await newSut().send(buildNotice(), target);
    const { headers, body } = requests[0]!;

    expect(headers['x-vigil-timestamp']).toBe(String(NOW_SECONDS));
    expect(headers['x-vigil-notice']).toBe('ntf_0193');
    const expected = createHmac('sha256', 'whsec_test')
      .update(`${NOW_SECONDS}.${body}`)
      .digest('hex');
    expect(headers['x-vigil-signature']).toBe(`v1=${expected}`);
    expect(
      verifyWebhookSignature(
        'whsec_test',
        headers['x-vigil-timestamp'] as string,
        body,
        headers['x-vigil-signature'] as string,
        NOW,
      ),
    ).toBe(true);
  });

  it('reports an acknowledged notice as firing to Alertmanager receivers', async () => {
    await newSut().send(buildNotice({ status: 'acknowledged' }), { ...target, receiver: 'ops' });
    const payload = JSON.parse(requests[0]!.body);
    expect(payload).toMatchObject({ status: 'firing', receiver: 'ops' });
    expect(payload.vigil.status).toBe('acknowledged');
  });

  it('classifies 500 as retryable, 410 as permanent and 429 with Retry-After', async () => {
    const sut = newSut();
    reply = { status: 500 };
    await expect(sut.send(buildNotice(), target)).resolves.toMatchObject({ permanent: false });
    reply = { status: 410 };
    await expect(sut.send(buildNotice(), target)).resolves.toMatchObject({ permanent: true });
    reply = { status: 429, headers: { 'retry-after': '2' } };
    await expect(sut.send(buildNotice(), target)).resolves.toMatchObject({
      ok: false,
      permanent: false,
      retryAfterMs: 2000,
    });
  });

  it('refuses loopback unless private networks are allowed', async () => {
    const receipt = await newSut().send(buildNotice(), { ...target, allowPrivateNetwork: false });
    expect(receipt).toMatchObject({ ok: false, permanent: true, code: 'URL_REFUSED' });
    expect(requests).toHaveLength(0);
  });
});

describe(verifyWebhookSignature.name, () => {
  const body = '{"version":"4"}';
  const ts = NOW_SECONDS;
  const good = signWebhook('s3cret', ts, body);

  it('accepts the right signature within the tolerance, as string or Buffer body', () => {
    expect(verifyWebhookSignature('s3cret', String(ts), body, good, NOW)).toBe(true);
    expect(verifyWebhookSignature('s3cret', ts, Buffer.from(body), good, NOW)).toBe(true);
  });

  it('rejects a replay older than the tolerance and a timestamp from the future', () => {
    const later = new Date(NOW.getTime() + 301_000);
    expect(verifyWebhookSignature('s3cret', ts, body, good, later)).toBe(false);
    expect(verifyWebhookSignature('s3cret', ts, body, good, later, 600)).toBe(true);
    const earlier = new Date(NOW.getTime() - 301_000);
    expect(verifyWebhookSignature('s3cret', ts, body, good, earlier)).toBe(false);
  });

  it('rejects another secret, a changed body, a changed timestamp and garbage', () => {
    expect(verifyWebhookSignature('other', ts, body, good, NOW)).toBe(false);
    expect(verifyWebhookSignature('s3cret', ts, `${body} `, good, NOW)).toBe(false);
    expect(verifyWebhookSignature('s3cret', ts - 1, body, good, NOW)).toBe(false);
    expect(verifyWebhookSignature('s3cret', ts, body, 'v1=00', NOW)).toBe(false);
    expect(verifyWebhookSignature('s3cret', 'abc', body, good, NOW)).toBe(false);
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const old = signWebhook('old', ts, body);
    expect(verifyWebhookSignature('s3cret', ts, body, `${old}, ${good}`, NOW)).toBe(true);
  });
});
