import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type AlertNotice, type ChannelTarget } from './alert-channel';
import {
  type LimiterClock,
  SlackChannel,
  WaitingRateLimiter,
  buildSlackMessage,
  escapeMrkdwn,
} from './slack.channel';

interface Recorded {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A clock whose sleeps are recorded and, when `advance`, move time on. */
class FakeClock implements LimiterClock {
  t = 0;
  readonly waits: number[] = [];
  constructor(private readonly advance: boolean) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.waits.push(ms);
    if (this.advance) this.t += ms;
  }
}

function buildNotice(overrides: Partial<AlertNotice> = {}): AlertNotice {
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
      {
        fingerprint: 'fp1',
        labels: { service: 'checkout', host: 'web-1', alertname: 'ErrorSpike' },
        annotations: {},
        status: 'firing',
        startsAt: new Date('2026-11-26T10:00:00Z'),
        endsAt: null,
        explanation: 'error pattern E17 at 14x',
        evidence: ['ERROR payment declined id=1', 'ERROR payment declined id=2'],
      },
    ],
    links: { alert: 'https://vigil.example/alerts/grp_5f2c', ack: 'https://vigil.example/ack/t1' },
    createdAt: new Date('2026-11-26T10:01:00Z'),
    ...overrides,
  };
}

describe(SlackChannel.name, () => {
  let server: Server;
  let base: string;
  const requests: Recorded[] = [];
  let reply: Reply = { status: 200, body: 'ok' };
  /** Answers for the next requests, in order, before `reply` applies again. */
  const replies: Reply[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        requests.push({
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        const r = replies.shift() ?? reply;
        res.writeHead(r.status, r.headers).end(r.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    requests.length = 0;
    replies.length = 0;
    reply = { status: 200, body: 'ok' };
  });

  const webhook = (): ChannelTarget => ({
    kind: 'slack',
    webhookUrl: `${base}/services/T0/B0/x`,
    allowPrivateNetwork: true,
  });
  const newSut = (clock = new FakeClock(true)) =>
    new SlackChannel({ limiter: new WaitingRateLimiter({ clock }) });

  it('posts text and Block Kit blocks to an incoming webhook', async () => {
    const sut = newSut();
    const receipt = await sut.send(buildNotice(), webhook());

    expect(receipt).toEqual({ ok: true, status: 200 });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('/services/T0/B0/x');
    expect(requests[0]!.headers['content-type']).toContain('application/json');
    const body = JSON.parse(requests[0]!.body);
    expect(body.text).toBe(
      '[CRITICAL] Checkout errors spiking: Error rate of checkout is 14x its usual level',
    );
    expect((body.blocks as Array<{ type: string }>).map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'context',
      'actions',
    ]);
    expect(body.blocks[0].text).toMatchObject({ type: 'plain_text' });
    expect(body.blocks[0].text.text).toContain('[CRITICAL] Checkout errors spiking');
    expect(body.blocks[1].text).toEqual({
      type: 'mrkdwn',
      text: 'Error rate of checkout is 14x its usual level',
    });
    expect(body.blocks[2].fields).toEqual([
      { type: 'mrkdwn', text: '*service*\ncheckout' },
      { type: 'mrkdwn', text: '*host*\nweb-1' },
    ]);
    expect((body.blocks[3].elements as Array<{ text: string }>).map((e) => e.text)).toEqual([
      'ERROR payment declined id=1',
      'ERROR payment declined id=2',
    ]);
    const buttons = body.blocks[4].elements;
    expect(buttons[0]).toMatchObject({ type: 'button', action_id: 'vigil_ack', value: 'ntf_0193' });
    expect(buttons[0].text).toEqual({ type: 'plain_text', text: 'Acknowledge' });
    expect(buttons[1]).toMatchObject({ action_id: 'vigil_not_useful', value: 'ntf_0193' });
    expect(buttons[1].text.text).toBe('Not useful');
    expect(buttons[2]).toMatchObject({ url: 'https://vigil.example/alerts/grp_5f2c' });
  });

  it('posts through chat.postMessage with a bearer token and reads ok/ts from the body', async () => {
    reply = {
      status: 200,
      body: JSON.stringify({ ok: true, channel: 'C1', ts: '1700000000.0001' }),
    };
    const sut = newSut();
    const target: ChannelTarget = {
      kind: 'slack',
      token: 'xoxb-secret',
      channel: 'C1',
      apiUrl: `${base}/api/`,
      allowPrivateNetwork: true,
    };
    const receipt = await sut.send(buildNotice(), target);

    expect(receipt).toEqual({ ok: true, status: 200, providerId: 'C1/1700000000.0001' });
    expect(requests[0]!.url).toBe('/api/chat.postMessage');
    expect(requests[0]!.headers.authorization).toBe('Bearer xoxb-secret');
    const body = JSON.parse(requests[0]!.body);
    expect(body.channel).toBe('C1');
    expect(typeof body.text).toBe('string');
    expect(Array.isArray(body.blocks)).toBe(true);
  });

  it('sends an approval request with buttons through chat.postMessage and without them through a webhook', async () => {
    const approve = 'https://vigil.example/api/v1/alert-actions/eyJrIjoiYXBwcm92ZSJ9.c2lnbmVk';
    const refuse = 'https://vigil.example/api/v1/alert-actions/eyJrIjoicmVmdXNlIn0.c2lnbmVk';
    reply = { status: 200, body: JSON.stringify({ ok: true, channel: 'C1', ts: '1.1' }) };
    const sut = newSut();
    await sut.send(buildNotice({ severity: 'info', links: { approve, refuse } }), {
      kind: 'slack',
      token: 'xoxb-secret',
      channel: 'C1',
      apiUrl: `${base}/api`,
      allowPrivateNetwork: true,
    });
    reply = { status: 200, body: 'ok' };
    await sut.send(buildNotice({ severity: 'info', links: { approve, refuse } }), webhook());
    const [viaApi, viaHook] = requests.map((r) => r.body);
    expect(viaApi).toContain('"action_id":"vigil_approve"');
    expect(viaHook).not.toContain('vigil_approve');
    expect(viaHook).toContain('Approve or refuse this step in Vigil.');
  });

  const apiTarget = (): ChannelTarget => ({
    kind: 'slack',
    token: 'xoxb-secret',
    channel: '#alerts',
    apiUrl: `${base}/api`,
    allowPrivateNetwork: true,
  });

  it('edits the group’s message in place for an update (chat.update with its channel id and ts)', async () => {
    reply = { status: 200, body: JSON.stringify({ ok: true, channel: 'C9', ts: '17.5' }) };
    const receipt = await newSut().send(
      buildNotice({ title: 'Now 3 alerts' }),
      apiTarget(),
      'C9/17.5',
    );

    expect(receipt).toEqual({ ok: true, status: 200, providerId: 'C9/17.5' });
    expect(requests.map((r) => r.url)).toEqual(['/api/chat.update']);
    const body = JSON.parse(requests[0]!.body);
    expect(body).toMatchObject({ channel: 'C9', ts: '17.5' });
    expect(body.text).toContain('Now 3 alerts');
    expect(Array.isArray(body.blocks)).toBe(true);
  });

  it('also replies in the message’s thread when the group is resolved, since an edit notifies nobody', async () => {
    reply = { status: 200, body: JSON.stringify({ ok: true, channel: 'C9', ts: '17.5' }) };
    const receipt = await newSut().send(
      buildNotice({ status: 'resolved' }),
      apiTarget(),
      'C9/17.5',
    );

    expect(receipt.ok).toBe(true);
    expect(requests.map((r) => r.url)).toEqual(['/api/chat.update', '/api/chat.postMessage']);
    const replyBody = JSON.parse(requests[1]!.body);
    expect(replyBody).toMatchObject({ channel: 'C9', thread_ts: '17.5' });
    expect(replyBody.text).toContain('(resolved)');
  });

  it('posts a new message when the old one cannot be edited any more', async () => {
    replies.push({ status: 200, body: JSON.stringify({ ok: false, error: 'message_not_found' }) });
    reply = { status: 200, body: JSON.stringify({ ok: true, channel: 'C9', ts: '18.1' }) };
    const receipt = await newSut().send(buildNotice(), apiTarget(), 'C9/17.5');

    expect(receipt).toEqual({ ok: true, status: 200, providerId: 'C9/18.1' });
    expect(requests.map((r) => r.url)).toEqual(['/api/chat.update', '/api/chat.postMessage']);
    expect(JSON.parse(requests[1]!.body).channel).toBe('#alerts');
  });

  it('reports other chat.update failures as they are (a retry edits again)', async () => {
    reply = { status: 200, body: JSON.stringify({ ok: false, error: 'ratelimited' }) };
    const receipt = await newSut().send(buildNotice(), apiTarget(), 'C9/17.5');

    expect(receipt).toMatchObject({ ok: false, permanent: false, error: 'Slack: ratelimited' });
    expect(requests.map((r) => r.url)).toEqual(['/api/chat.update']);
  });

  it('ignores a thread for an incoming webhook, which cannot edit', async () => {
    const receipt = await newSut().send(buildNotice(), webhook(), 'C9/17.5');
    expect(receipt).toEqual({ ok: true, status: 200 });
    expect(requests.map((r) => r.url)).toEqual(['/services/T0/B0/x']);
  });

  it('treats ok:false from the Web API as a failure (permanent unless Slack-side)', async () => {
    const sut = newSut();
    const target: ChannelTarget = {
      kind: 'slack',
      token: 't',
      channel: 'C1',
      apiUrl: `${base}/api`,
      allowPrivateNetwork: true,
    };
    reply = { status: 200, body: JSON.stringify({ ok: false, error: 'channel_not_found' }) };
    await expect(sut.send(buildNotice(), target)).resolves.toMatchObject({
      ok: false,
      permanent: true,
      error: 'Slack: channel_not_found',
    });
    reply = { status: 200, body: JSON.stringify({ ok: false, error: 'internal_error' }) };
    await expect(sut.send(buildNotice(), target)).resolves.toMatchObject({
      ok: false,
      permanent: false,
    });
  });

  it('classifies 500 as retryable, 400 as permanent and 429 with its Retry-After', async () => {
    const sut = newSut();
    reply = { status: 500, body: 'oops' };
    await expect(sut.send(buildNotice(), webhook())).resolves.toMatchObject({
      ok: false,
      status: 500,
      permanent: false,
    });
    reply = { status: 400, body: 'invalid_payload' };
    await expect(sut.send(buildNotice(), webhook())).resolves.toMatchObject({
      ok: false,
      status: 400,
      permanent: true,
      error: 'HTTP 400: invalid_payload',
    });
    reply = { status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' };
    await expect(sut.send(buildNotice(), webhook())).resolves.toMatchObject({
      ok: false,
      status: 429,
      permanent: false,
      retryAfterMs: 2000,
    });
  });

  it('after a 429 makes the next message to that webhook wait out Retry-After', async () => {
    const clock = new FakeClock(false);
    const sut = newSut(clock);
    reply = { status: 429, headers: { 'retry-after': '2' } };
    await sut.send(buildNotice(), webhook());
    reply = { status: 200, body: 'ok' };
    await sut.send(buildNotice(), webhook());
    expect(clock.waits).toEqual([2000]);
  });

  it('queues five messages to one webhook one second apart instead of dropping any', async () => {
    const clock = new FakeClock(false);
    const sut = newSut(clock);
    const receipts = await Promise.all(
      [1, 2, 3, 4, 5].map(() => sut.send(buildNotice(), webhook())),
    );

    expect(receipts.every((r) => r.ok)).toBe(true);
    expect(requests).toHaveLength(5);
    expect(clock.waits).toEqual([1000, 2000, 3000, 4000]);
  });

  it('refuses a loopback webhook unless the target allows private networks', async () => {
    const sut = newSut();
    const receipt = await sut.send(buildNotice(), {
      kind: 'slack',
      webhookUrl: `${base}/services/x`,
    });
    expect(receipt).toMatchObject({ ok: false, permanent: true, code: 'URL_REFUSED' });
    expect(requests).toHaveLength(0);
  });

  it('returns a permanent receipt for a target of another kind', async () => {
    const sut = newSut();
    const receipt = await sut.send(buildNotice(), { kind: 'webhook', url: base, secret: 's' });
    expect(receipt).toMatchObject({ ok: false, permanent: true, code: 'INVALID_TARGET' });
  });
});

describe(buildSlackMessage.name, () => {
  it('escapes Slack control characters so a title cannot mention @channel or inject links', () => {
    const message = buildSlackMessage(
      buildNotice({ summary: '<!channel> see <http://evil|here> & more' }),
    );
    const section = message.blocks[1] as { text: { text: string } };
    expect(section.text.text).toBe('&lt;!channel&gt; see &lt;http://evil|here&gt; &amp; more');
    expect(message.text).not.toContain('<!channel>');
  });

  it('offers no Acknowledge button on a resolved notice', () => {
    const message = buildSlackMessage(buildNotice({ status: 'resolved' }));
    const actions = message.blocks.at(-1) as { elements: Array<{ action_id: string }> };
    expect(actions.elements.map((e) => e.action_id)).toEqual(['vigil_not_useful', 'vigil_open']);
    expect(message.text).toContain('(resolved)');
  });

  describe('an approval request', () => {
    const approve = 'https://vigil.example/api/v1/alert-actions/eyJrIjoiYXBwcm92ZSJ9.c2lnbmVk';
    const refuse = 'https://vigil.example/api/v1/alert-actions/eyJrIjoicmVmdXNlIn0.c2lnbmVk';
    const approval = () => buildNotice({ severity: 'info', links: { approve, refuse } });
    type Element = { action_id: string; value?: string; style?: string; url?: string };

    it('gets Approve / Refuse buttons carrying the signed tokens where clickers are known', () => {
      const message = buildSlackMessage(approval(), { identifiesClickers: true });
      const actions = message.blocks.at(-1) as { type: string; elements: Element[] };
      expect(actions.type).toBe('actions');
      expect(actions.elements).toEqual([
        expect.objectContaining({
          action_id: 'vigil_approve',
          value: 'eyJrIjoiYXBwcm92ZSJ9.c2lnbmVk',
          style: 'primary',
        }),
        expect.objectContaining({
          action_id: 'vigil_refuse',
          value: 'eyJrIjoicmVmdXNlIn0.c2lnbmVk',
          style: 'danger',
        }),
      ]);
    });

    it('gets no Acknowledge / Not useful buttons, which act on alerts', () => {
      const message = buildSlackMessage(approval(), { identifiesClickers: true });
      const ids = message.blocks.flatMap(
        (b) => (b as { elements?: Element[] }).elements?.map((e) => e.action_id) ?? [],
      );
      expect(ids).not.toContain('vigil_ack');
      expect(ids).not.toContain('vigil_not_useful');
    });

    it('through a webhook only says to answer in Vigil (nobody can be identified)', () => {
      const message = buildSlackMessage(approval());
      expect(JSON.stringify(message.blocks)).not.toContain('vigil_approve');
      expect(message.blocks.at(-1)).toEqual({
        type: 'section',
        text: { type: 'mrkdwn', text: 'Approve or refuse this step in Vigil.' },
      });
    });
  });

  it('keeps the header within Slack’s 150 characters', () => {
    const message = buildSlackMessage(buildNotice({ title: 'x'.repeat(400) }));
    const header = message.blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
  });

  it('lists distinct services when the alerts disagree', () => {
    const [first] = buildNotice().alerts;
    const message = buildSlackMessage(
      buildNotice({
        alerts: [first!, { ...first!, fingerprint: 'fp2', labels: { service: 'cart' } }],
      }),
    );
    const fields = (message.blocks[2] as { fields: Array<{ text: string }> }).fields;
    expect(fields.map((f) => f.text)).toEqual(['*service*\ncheckout, cart', '*host*\nweb-1']);
  });
});

describe(WaitingRateLimiter.name, () => {
  it('spaces sequential sends one interval apart on a moving clock', async () => {
    const clock = new FakeClock(true);
    const sut = new WaitingRateLimiter({ intervalMs: 1000, clock });
    for (let i = 0; i < 5; i++) await sut.acquire('hook');
    expect(clock.waits).toEqual([1000, 1000, 1000, 1000]);
    expect(clock.t).toBe(4000);
  });

  it('does not make one destination wait for another', async () => {
    const clock = new FakeClock(false);
    const sut = new WaitingRateLimiter({ clock });
    await Promise.all([sut.acquire('a'), sut.acquire('b'), sut.acquire('a')]);
    expect(clock.waits).toEqual([1000]);
  });

  it('lets a burst through before it paces', async () => {
    const clock = new FakeClock(false);
    const sut = new WaitingRateLimiter({ intervalMs: 1000, burst: 3, clock });
    for (let i = 0; i < 5; i++) await sut.acquire('hook');
    expect(clock.waits).toEqual([1000, 2000]);
  });

  it('waits nothing once the destination has been idle', async () => {
    const clock = new FakeClock(false);
    const sut = new WaitingRateLimiter({ clock });
    await sut.acquire('hook');
    clock.t = 5000;
    await sut.acquire('hook');
    expect(clock.waits).toEqual([]);
  });

  it('forgets idle destinations beyond maxKeys', async () => {
    const clock = new FakeClock(false);
    const sut = new WaitingRateLimiter({ clock, maxKeys: 2 });
    await sut.acquire('a');
    await sut.acquire('b');
    clock.t = 10_000;
    await sut.acquire('c');
    expect(sut.trackedKeys).toBe(1);
  });

  it('rejects a non-positive interval', () => {
    expect(() => new WaitingRateLimiter({ intervalMs: 0 })).toThrow(RangeError);
  });
});

describe(escapeMrkdwn.name, () => {
  it('escapes exactly &, < and >', () => {
    expect(escapeMrkdwn('a & <b> *c*')).toBe('a &amp; &lt;b&gt; *c*');
  });
});
